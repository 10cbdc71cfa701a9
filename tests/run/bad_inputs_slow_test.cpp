// The catalogue of bad inputs and faults (docs/bad_inputs.md): each entry runs what a user would
// run, checks the exit code and that the error names the file or key at fault, and that nothing
// already written changed (checksums of the protected folder before and after). The error line
// each entry prints is the one docs/bad_inputs.md shows; MOTLAB_UPDATE_BAD_INPUTS_DOC=1 rewrites
// the document from this run (otherwise the test fails when the document is stale).
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "framework/data/npy.h"
#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"
#include "tests/support/tiny_dataset.h"

namespace fs = std::filesystem;
using motlab::test::run_command;

namespace {

struct Env {
  std::string work;      // this test's folder
  std::string motlab;    // the executable
  std::string finished;  // a finished training run (synthetic data, a few batches)
  std::string tiny;      // a small HumanML3D-layout dataset (tests/support/tiny_dataset.h)
};

struct Case {
  const char* group;
  const char* what;
  // Prepares what the case needs under `dir` and returns the shell command to run there.
  std::function<std::string(const Env&, const std::string& dir)> command;
  std::vector<std::string> expect;  // in the output; <dir> = the case's folder
  bool protect_finished = false;    // the finished run must not change
  std::function<void(const Env&, const std::string& dir)> after;  // further checks
};

std::string checksum(const std::string& dir) {
  std::string out;
  run_command("cd " + dir + " && find . -type f | LC_ALL=C sort | xargs -d '\\n' sha256sum", &out);
  return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); !from.empty() && at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The line a user reads: the first one that says error or failed (a log line without its time).
std::string error_line(const std::string& output) {
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("error:") == std::string::npos && line.find("failed:") == std::string::npos &&
        line.find("problem(s)") == std::string::npos &&
        line.find("unknown command") == std::string::npos)
      continue;
    if (line.size() > 11 && line[2] == ':' && line[5] == ':' && line[8] == ' ')
      line = line.substr(11);  // "12:34:56 E [run] ..." -> "[run] ..."
    return line;
  }
  return output.substr(0, output.find('\n'));
}

void write_npy_header(const std::string& path, const std::string& dict, size_t data_bytes) {
  std::string header = dict;
  const size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header + std::string(data_bytes, '\0');
  motlab::write_file_atomic(path, out);
}

std::string tiny_train(const Env& env, const std::string& root, const std::string& dir) {
  return env.motlab +
         " run method=sllm text_encoder=ngram_bow size=tiny data=humanml3d_ko data.text_dir=texts"
         " data.root=" +
         root + " trainer.epochs=1 threads=1 run.dir=" + dir + "/run";
}

std::string copy_tiny(const Env& env, const std::string& dir) {
  run_command("cp -r " + env.tiny + " " + dir + "/data");
  return dir + "/data";
}

std::string quick_train(const Env& env) {
  return env.motlab +
         " run method=sllm text_encoder=ngram_bow size=tiny trainer.epochs=1"
         " trainer.max_batches_per_epoch=3 threads=1 seed=5";
}

// A copy of the finished run, for cases that damage a run.
std::string copy_finished(const Env& env, const std::string& dir) {
  run_command("cp -r " + env.finished + " " + dir + "/run");
  return dir + "/run";
}

std::vector<Case> catalogue() {
  std::vector<Case> cases;
  auto add = [&](const char* group, const char* what, auto command, std::vector<std::string> expect,
                 bool protect = false,
                 std::function<void(const Env&, const std::string&)> after = nullptr) {
    cases.push_back(Case{group, what, command, std::move(expect), protect, std::move(after)});
  };
  const char* cfg = "Configuration and command line";
  add(cfg, "an option of a group that does not exist",
      [](const Env& e, const std::string&) {
        return e.motlab + " run text_encoder=ngram_bwo --cfg job";
      },
      {"Could not find 'text_encoder/ngram_bwo'", "Did you mean 'ngram_bow'?"});
  add(cfg, "a key that does not exist (struct mode)",
      [](const Env& e, const std::string&) {
        return e.motlab + " run method=tmr trainer.epocs=3 --cfg job";
      },
      {"Could not override 'trainer.epocs'", "Did you mean 'trainer.epochs'?"});
  add(cfg, "an option of the wrong type",
      [](const Env& e, const std::string& d) {
        return quick_train(e) + " trainer.epochs=abc run.dir=" + d + "/run";
      },
      {"trainer: key 'trainer.epochs'", "must be int, got 'abc'"});
  add(cfg, "a misspelt component option",
      [](const Env& e, const std::string&) {
        return e.motlab + " run method=sllm loss.temprature=0.2 --cfg job";
      },
      {"Could not override 'loss.temprature'", "Did you mean 'loss.temperature'?"});
  add(cfg, "an empty element in a sweep list",
      [](const Env& e, const std::string&) { return e.motlab + " run -m task=toy task.a=1,,2"; },
      {"override 'task.a=1,,2'", "no viable alternative at input '1,,'"});
  add(cfg, "a sweep list ending in a comma",
      [](const Env& e, const std::string&) { return e.motlab + " run -m task=toy task.a=1,"; },
      {"override 'task.a=1,'", "missing a value at '<EOF>'"});
  add(cfg, "a sweep whose job count explodes",
      [](const Env& e, const std::string&) {
        return e.motlab + " run -m task=toy 'task.a=range(0,1000)' 'task.b=range(0,1000)'";
      },
      {"1000 (task.a) x 1000 (task.b) = 1000000 jobs", "more than the 10000"});
  add(cfg, "launcher.jobs=0",
      [](const Env& e, const std::string& d) {
        return e.motlab + " run -m task=toy task.a=1,2 launcher.jobs=0 sweep.dir=" + d + "/s";
      },
      {"launcher.jobs", "must be >= 1"});
  add(cfg, "a comma list without -m",
      [](const Env& e, const std::string&) { return e.motlab + " run task=toy task.a=1,2"; },
      {"Ambiguous value for argument 'task.a=1,2'", "--multirun"});
  add(cfg, "force-adding a config group",
      [](const Env& e, const std::string&) { return e.motlab + " run ++loss=infonce --cfg job"; },
      {"force-add of config groups is not supported: '++loss=infonce'"});
  add(cfg, "an unknown flag",
      [](const Env& e, const std::string&) { return e.motlab + " run --bogus"; },
      {"unknown flag '--bogus'"});
  add(cfg, "an unknown command",
      [](const Env& e, const std::string&) { return e.motlab + " frobnicate"; },
      {"unknown command 'frobnicate'"});
  add(cfg, "a YAML syntax error in a user's option file",
      [](const Env& e, const std::string& d) {
        fs::create_directories(d + "/configs/loss");
        motlab::write_file_atomic(d + "/configs/loss/mine.yaml",
                                  "_target_: infonce\ntemperature: [0.1\n");
        return e.motlab + " --config-path " + d + "/configs run loss=mine --cfg job";
      },
      {"<dir>/configs/loss/mine.yaml:", "YAML"});
  add(cfg, "an option file that another config folder has already",
      [](const Env& e, const std::string& d) {
        fs::create_directories(d + "/configs/loss");
        motlab::write_file_atomic(d + "/configs/loss/infonce.yaml", "_target_: infonce\n");
        return e.motlab + " --config-path " + d + "/configs run --cfg job";
      },
      {"config option 'loss/infonce' is defined twice", "<dir>/configs/loss/infonce.yaml"});
  add(cfg, "a config folder that does not exist",
      [](const Env& e, const std::string& d) {
        return e.motlab + " --config-path " + d + "/nowhere list";
      },
      {"config folder '<dir>/nowhere' does not exist"});
  add(cfg, "an interpolation of a key that does not exist",
      [](const Env& e, const std::string&) {
        return e.motlab + " run task=toy '+x=${nope}' --cfg job --resolve";
      },
      {"Interpolation key 'nope' not found"});
  add(cfg, "a required option left unset",
      [](const Env& e, const std::string& d) {
        return e.motlab + " run method=sllm size=tiny run.dir=" + d + "/run";
      },
      {"text_encoder.model_dir", "'???'"});
  add(cfg, "a plugin built against other versions",
      [](const Env& e, const std::string&) {
        return e.motlab + " --plugin " + motlab::test::probe_plugin("old") + " list";
      },
      {"was built against motlab 0.0.9 and LibTorch 0.0.1", "rebuild the plugin"});
  add(cfg, "a plugin that is not a shared library",
      [](const Env& e, const std::string& d) {
        motlab::write_file_atomic(d + "/libfake.so", "text\n");
        return e.motlab + " --plugin " + d + "/libfake.so list";
      },
      {"plugin '<dir>/libfake.so' is not a shared library"});

  const char* data = "Data";
  add(data, "an .npy header whose shape product overflows",
      [](const Env& e, const std::string& d) {
        const std::string root = copy_tiny(e, d);
        write_npy_header(
            root + "/new_joint_vecs/000001.npy",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 64);
        return tiny_train(e, root, d);
      },
      {"<dir>/data/new_joint_vecs/000001.npy", "needs more than 2^64 bytes"});
  add(data, "an .npy file cut short",
      [](const Env& e, const std::string& d) {
        const std::string root = copy_tiny(e, d);
        write_npy_header(root + "/new_joint_vecs/000001.npy",
                         "{'descr': '<f4', 'fortran_order': False, 'shape': (60, 263), }", 100);
        return tiny_train(e, root, d);
      },
      {"<dir>/data/new_joint_vecs/000001.npy: truncated data",
       "needs 63120 bytes, the file has 100"});
  add(data, "a file that is not .npy",
      [](const Env& e, const std::string& d) {
        const std::string root = copy_tiny(e, d);
        motlab::write_file_atomic(root + "/Mean.npy", "hello");
        return tiny_train(e, root, d);
      },
      {"<dir>/data/Mean.npy: not a .npy file"});
  add(data, "NaN in a motion",
      [](const Env& e, const std::string& d) {
        const std::string root = copy_tiny(e, d);
        torch::Tensor m = torch::zeros({60, 263});
        m[7][3] = NAN;
        motlab::npy::save(root + "/new_joint_vecs/000001.npy", m);
        return tiny_train(e, root, d);
      },
      {"<dir>/data/new_joint_vecs/000001.npy: 1 NaN or Inf value(s), the first at frame 7, feature "
       "3"});
  add(data, "an all-zero Std.npy",
      [](const Env& e, const std::string& d) {
        const std::string root = copy_tiny(e, d);
        motlab::npy::save(root + "/Std.npy", torch::zeros({263}));
        return tiny_train(e, root, d);
      },
      {"<dir>/data/Std.npy is all zeros"});
  add(data, "a caption that is not UTF-8",
      [](const Env& e, const std::string& d) {
        const std::string root = copy_tiny(e, d);
        motlab::write_file_atomic(root + "/texts/000002.txt",
                                  "a person \xff\xfe walks#x#0.0#0.0\n");
        return tiny_train(e, root, d);
      },
      {"<dir>/data/texts/000002.txt:1: not valid UTF-8 (byte 9"});
  add(data, "a caption whose start and end times are reversed",
      [](const Env& e, const std::string& d) {
        const std::string root = copy_tiny(e, d);
        motlab::write_file_atomic(root + "/texts/000002.txt", "a person walks#x#3.0#1.0\n");
        return tiny_train(e, root, d);
      },
      {"<dir>/data/texts/000002.txt:1: start time 3 s is after end time 1 s"});
  add(data, "a caption line without its four fields",
      [](const Env& e, const std::string& d) {
        const std::string root = copy_tiny(e, d);
        motlab::write_file_atomic(root + "/texts/000002.txt", "a person walks#x#0.0\n");
        return tiny_train(e, root, d);
      },
      {"<dir>/data/texts/000002.txt:1: expected 'caption#tokens#start#end' (4 fields)"});
  add(data, "an empty test split (motlab data check)",
      [](const Env& e, const std::string& d) {
        const std::string root = copy_tiny(e, d);
        motlab::write_file_atomic(root + "/test.txt", "\n");
        return e.motlab + " data check " + root;
      },
      {"<dir>/data/test.txt: empty_split: split file lists no motion"});
  add(data, "a split id that leaves the dataset folder",
      [](const Env& e, const std::string& d) {
        const std::string root = copy_tiny(e, d);
        motlab::write_file_atomic(root + "/train.txt", "000001\n../../etc/passwd\n");
        return tiny_train(e, root, d);
      },
      {"<dir>/data/train.txt:2: bad motion id '../../etc/passwd'"});
  add(data, "a split id without a motion file",
      [](const Env& e, const std::string& d) {
        const std::string root = copy_tiny(e, d);
        motlab::write_file_atomic(root + "/train.txt", "000001\n999999\n");
        return tiny_train(e, root, d);
      },
      {"<dir>/data/train.txt: id '999999' has no motion file"});
  add(data, "a dataset folder that does not exist",
      [](const Env& e, const std::string& d) { return tiny_train(e, d + "/missing", d); },
      {"data folder '<dir>/missing' does not exist"});

  const char* models = "Models and tokenizers";
  add(models, "a config.json with a head count of 0",
      [](const Env& e, const std::string& d) {
        fs::create_directories(d + "/model");
        motlab::write_file_atomic(d + "/model/config.json",
                                  R"({"model_type": "qwen2", "vocab_size": 100, "hidden_size": 64,
"intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 0})");
        motlab::npy::save(d + "/ids.npy", torch::zeros({1, 4}, torch::kLong));
        return e.motlab + " hidden-states --model-dir " + d + "/model --ids " + d +
               "/ids.npy --out " + d + "/h.npy";
      },
      {"config '<dir>/model/config.json': key 'num_attention_heads' must be in [1, 1024], got 0"});
  add(models, "a config.json with a vocabulary of 10^12",
      [](const Env& e, const std::string& d) {
        fs::create_directories(d + "/model");
        motlab::write_file_atomic(
            d + "/model/config.json",
            R"({"model_type": "distilbert", "vocab_size": 1000000000000, "dim": 64,
"hidden_dim": 128, "n_layers": 2, "n_heads": 4})");
        motlab::npy::save(d + "/ids.npy", torch::zeros({1, 4}, torch::kLong));
        return e.motlab + " hidden-states --model-dir " + d + "/model --ids " + d +
               "/ids.npy --out " + d + "/h.npy";
      },
      {"config '<dir>/model/config.json': key 'vocab_size' must be in [1, 16777216], got "
       "1000000000000"});
  add(models, "a tokenizer.json with a token id of 10^9",
      [](const Env& e, const std::string& d) {
        motlab::write_file_atomic(
            d + "/tokenizer.json",
            R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1000000000}, "merges": []},
"pre_tokenizer": {"type": "ByteLevel"}, "decoder": {"type": "ByteLevel"}})");
        return "echo hello | " + e.motlab + " tokenize --tokenizer " + d + "/tokenizer.json";
      },
      {"tokenizer '<dir>/tokenizer.json': the largest token id is 1000000000 for 2 tokens"});
  add(models, "a tokenizer.json that is not JSON",
      [](const Env& e, const std::string& d) {
        motlab::write_file_atomic(d + "/tokenizer.json", "{\"model\": ");
        return "echo hello | " + e.motlab + " tokenize --tokenizer " + d + "/tokenizer.json";
      },
      {"tokenizer '<dir>/tokenizer.json' is not valid JSON"});
  add(models, "a safetensors file cut short",
      [](const Env& e, const std::string& d) {
        fs::create_directories(d + "/model");
        motlab::write_file_atomic(d + "/model/config.json",
                                  R"({"model_type": "distilbert", "vocab_size": 50, "dim": 8,
"hidden_dim": 16, "n_layers": 1, "n_heads": 2})");
        motlab::write_file_atomic(d + "/model/model.safetensors",
                                  std::string("\x40\x00\x00\x00\x00\x00\x00\x00{\"a\":", 13));
        motlab::npy::save(d + "/ids.npy", torch::zeros({1, 4}, torch::kLong));
        return e.motlab + " hidden-states --model-dir " + d + "/model --ids " + d +
               "/ids.npy --out " + d + "/h.npy";
      },
      {"<dir>/model/model.safetensors"});
  add(models, "a SentencePiece model that is garbage",
      [](const Env& e, const std::string& d) {
        motlab::write_file_atomic(d + "/sentencepiece.bpe.model", "not a model");
        return "echo hello | " + e.motlab + " tokenize --tokenizer " + d +
               "/sentencepiece.bpe.model";
      },
      {"<dir>/sentencepiece.bpe.model"});

  const char* checkpoints = "Checkpoints and runs";
  add(checkpoints, "a corrupt .pt of a run the fused encoder reads",
      [](const Env& e, const std::string& d) {
        const std::string run = copy_finished(e, d);
        motlab::write_file_atomic(run + "/model/motion_encoder.pt", "garbage");
        return e.motlab +
               " run method=sllm_fused size=tiny text_encoder=ngram_bow trainer.epochs=1 threads=1"
               " motion_encoder.tmr_run=" +
               run + " motion_encoder.cnn_run=" + run + " run.dir=" + d + "/fused";
      },
      {"cannot read checkpoint <dir>/run/model/motion_encoder.pt"});
  add(
      checkpoints, "the fused encoder pointed at a run of another encoder kind",
      [](const Env& e, const std::string& d) {
        return e.motlab +
               " run method=sllm_fused size=tiny text_encoder=ngram_bow trainer.epochs=1 threads=1"
               " motion_encoder.tmr_run=" +
               e.finished + " motion_encoder.cnn_run=" + e.finished + " run.dir=" + d + "/fused";
      },
      {"the run trained a 'tmr' motion encoder, not the 'cnn' one expected here"}, true);
  add(
      checkpoints, "resume of a finished run whose last checkpoint is damaged",
      [](const Env& e, const std::string& d) {
        const std::string run = copy_finished(e, d);
        motlab::write_file_atomic(run + "/checkpoints/last.pt", "damaged");
        motlab::write_file_atomic(d + "/before", checksum(run));
        return quick_train(e) + " trainer.epochs=2 resume=true run.dir=" + run;
      },
      {"cannot read checkpoint <dir>/run/checkpoints/last.pt"}, false,
      [](const Env&, const std::string& d) {
        EXPECT_EQ(checksum(d + "/run"), motlab::read_file(d + "/before")) << "the run changed";
      });
  add(
      checkpoints, "a new run given a finished run's directory",
      [](const Env& e, const std::string&) { return quick_train(e) + " run.dir=" + e.finished; },
      {"holds a finished run (metrics.json: status ok)", "run.overwrite=true"}, true);
  add(
      checkpoints, "resume with other settings than the run's",
      [](const Env& e, const std::string&) {
        return quick_train(e) + " seed=6 trainer.lr=0.01 resume=true run.dir=" + e.finished;
      },
      {"resume=true with settings that differ from the run's", "seed (5 -> 6)",
       "trainer.lr (0.001 -> 0.01)"},
      true);
  add(
      checkpoints, "resume of a finished run with nothing left to train",
      [](const Env& e, const std::string&) {
        return quick_train(e) + " resume=true run.dir=" + e.finished;
      },
      {"holds a finished run: nothing to resume (raise trainer.epochs above 1"}, true);

  const char* embeddings = "Embeddings";
  auto embeddings_of = [](const std::string& d, torch::Tensor text) {
    motlab::npy::save(d + "/text.npy", text);
    motlab::npy::save(d + "/motion.npy", torch::randn({40, 8}));
  };
  add(embeddings, "NaN in an embedding file",
      [embeddings_of](const Env& e, const std::string& d) {
        torch::Tensor t = torch::randn({40, 8});
        t[12][5] = NAN;
        embeddings_of(d, t);
        return e.motlab + " eval --text-emb " + d + "/text.npy --motion-emb " + d + "/motion.npy";
      },
      {"<dir>/text.npy: 1 NaN or Inf value(s), the first in row 12, column 5"});
  add(embeddings, "text and motion embeddings of different shapes",
      [embeddings_of](const Env& e, const std::string& d) {
        embeddings_of(d, torch::randn({39, 8}));
        return e.motlab + " eval --text-emb " + d + "/text.npy --motion-emb " + d + "/motion.npy";
      },
      {"<dir>/text.npy [39, 8] and <dir>/motion.npy [40, 8]"});
  add(embeddings, "a caption similarity of the wrong shape",
      [embeddings_of](const Env& e, const std::string& d) {
        embeddings_of(d, torch::randn({40, 8}));
        motlab::npy::save(d + "/sim.npy", torch::eye(3));
        return e.motlab + " eval --text-emb " + d + "/text.npy --motion-emb " + d +
               "/motion.npy --caption-sim " + d + "/sim.npy --protocols all";
      },
      {"the caption similarity matrix is [3, 3], expected [40, 40]"});
  add(embeddings, "motlab eval on a run without its embeddings",
      [](const Env& e, const std::string& d) {
        const std::string run = copy_finished(e, d);
        fs::remove(run + "/embeddings/test_motion.npy");
        return e.motlab + " eval " + run;
      },
      {"<dir>/run/embeddings/test_motion.npy is missing"});

  const char* files = "File system and signals";
  add(files, "a run directory that cannot be created",
      [](const Env& e, const std::string& d) {
        motlab::write_file_atomic(d + "/file", "x");
        return e.motlab + " run task=toy run.dir=" + d + "/file/run";
      },
      {"<dir>/file/run"});
  add(
      files, "a full disk while a checkpoint is written",
      [](const Env& e, const std::string& d) {
        fs::create_directories(d + "/small");
        if (::mount("tmpfs", (d + "/small").c_str(), "tmpfs", 0, "size=2m") != 0)
          return std::string("echo 'error: SKIPPED: tmpfs cannot be mounted here'");
        return quick_train(e) + " run.dir=" + d + "/small/run";
      },
      {"cannot write '<dir>/small/run/checkpoints/"}, false,
      [](const Env&, const std::string& d) {
        if (!fs::exists(d + "/small/run")) return;
        std::string tmp;
        run_command("find " + d + "/small -name '*.tmp*'", &tmp);
        EXPECT_EQ(tmp, "") << "a temporary file was left behind";
        const auto m = nlohmann::json::parse(motlab::read_file(d + "/small/run/metrics.json"));
        EXPECT_EQ(m["status"], "failed");
        EXPECT_NE(m["error"].get<std::string>().find("No space left on device"), std::string::npos);
        ::umount((d + "/small").c_str());
      });
  add(
      files, "a sweep job killed by SIGKILL",
      [](const Env& e, const std::string& d) {
        return e.motlab + " run -m task=toy task.sleep_s=30 task.a=1 sweep.dir=" + d +
               "/sweep & sleep 3; pkill -9 -f -- '--job-dir " + d + "/sweep/0 '; wait $!";
      },
      {"job 0 failed: killed by signal 9 (SIGKILL)"}, false,
      [](const Env&, const std::string& d) {
        const auto m = nlohmann::json::parse(motlab::read_file(d + "/sweep/0/metrics.json"));
        EXPECT_EQ(m["status"], "failed");
        EXPECT_EQ(m["error"], "killed by signal 9 (SIGKILL)");
        EXPECT_NE(motlab::read_file(d + "/sweep/multirun.yaml").find("killed by signal 9"),
                  std::string::npos);
      });
  add(
      files, "a run stopped by SIGTERM",
      [](const Env& e, const std::string& d) {
        return e.motlab + " run task=toy task.sleep_s=3 run.dir=" + d +
               "/run & for i in $(seq 300); do [ -f " + d +
               "/run/metrics.json ] && break; sleep 0.1; done; kill -TERM $!; wait $!";
      },
      {"interrupted by a signal; re-run with resume=true"}, false,
      [](const Env&, const std::string& d) {
        const auto m = nlohmann::json::parse(motlab::read_file(d + "/run/metrics.json"));
        EXPECT_EQ(m["status"], "failed");
      });
  const char* parallel = "Data-parallel runs and clusters";
  add(parallel, "an unknown data-parallel backend",
      [](const Env& e, const std::string& d) {
        return quick_train(e) + " trainer.dist_backend=mpi run.dir=" + d + "/run";
      },
      {"key 'trainer.dist_backend'", "must be one of auto, gloo, nccl, got 'mpi'"});
  add(parallel, "trainer.nproc_per_node=0",
      [](const Env& e, const std::string& d) {
        return quick_train(e) + " trainer.nproc_per_node=0 run.dir=" + d + "/run";
      },
      {"key 'trainer.nproc_per_node'", "must be in [1, 1024], got 0"});
  add(
      parallel, "a rank timeout of 0 s",
      [](const Env& e, const std::string& d) {
        return quick_train(e) + " trainer.nproc_per_node=2 trainer.dist_timeout_s=0 run.dir=" + d +
               "/run";
      },
      {"key 'trainer.dist_timeout_s'", "must be > 0, got 0"}, false,
      [](const Env&, const std::string& d) {
        EXPECT_FALSE(fs::exists(d + "/run")) << "no rank should have started";
      });
  add(parallel, "a global batch smaller than the ranks",
      [](const Env& e, const std::string& d) {
        return quick_train(e) + " trainer.nproc_per_node=2 trainer.batch_size=1 run.dir=" + d +
               "/run";
      },
      {"trainer.batch_size 1 is the global batch: it must be >= the 2 ranks"});
  add(parallel, "a WORLD_SIZE that is not a number",
      [](const Env& e, const std::string& d) {
        return "RANK=0 WORLD_SIZE=two " + e.motlab + " run task=toy run.dir=" + d + "/run";
      },
      {"environment variable WORLD_SIZE='two': expected an integer >= 1"});
  add(parallel, "a RANK not below WORLD_SIZE",
      [](const Env& e, const std::string& d) {
        return "RANK=2 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 " + e.motlab +
               " run task=toy run.dir=" + d + "/run";
      },
      {"rank 2 is not below the world size 2 (RANK/WORLD_SIZE)"});
  add(parallel, "WORLD_SIZE without MASTER_ADDR and MASTER_PORT",
      [](const Env& e, const std::string& d) {
        return "RANK=0 WORLD_SIZE=2 " + e.motlab + " run task=toy run.dir=" + d + "/run";
      },
      {"WORLD_SIZE=2 needs MASTER_ADDR and MASTER_PORT"});
  add(parallel, "a MASTER_PORT that is not a TCP port",
      [](const Env& e, const std::string& d) {
        return "RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=70000 " + e.motlab +
               " run task=toy run.dir=" + d + "/run";
      },
      {"MASTER_PORT=70000 is not a TCP port (1-65535)"});
  add(
      parallel, "a SLURM sweep with launcher.timeout_min=0",
      [](const Env& e, const std::string& d) {
        return e.motlab + " run -m task=toy task.a=1,2 launcher=slurm launcher.timeout_min=0" +
               " sweep.dir=" + d + "/sweep";
      },
      {"key 'launcher.timeout_min'", "must be >= 1, got 0"}, false,
      [](const Env&, const std::string& d) {
        EXPECT_FALSE(fs::exists(d + "/sweep/slurm")) << "nothing should have been submitted";
      });
  return cases;
}

}  // namespace

TEST(BadInputs, EveryEntryIsRefusedClearlyAndLosesNothing) {
  Env env;
  env.work = motlab::test::temp_dir("bad_inputs");
  env.motlab = motlab::test::motlab_executable();
  env.finished = env.work + "/finished";
  env.tiny = env.work + "/tiny";
  motlab::test::write_tiny_dataset(env.tiny);
  std::string out;
  ASSERT_EQ(run_command("cd " + motlab::test::binary_dir() + " && " + quick_train(env) +
                            " run.dir=" + env.finished,
                        &out),
            0)
      << out;
  const std::string finished_sum = checksum(env.finished);
  std::string doc =
      "# Bad inputs and faults: what motlab says\n\n"
      "Each entry is run by `tests/run/bad_inputs_slow_test.cpp`, which checks the exit code, that "
      "the message names the file or key at fault, and that nothing already written changed "
      "(checksums of a finished run before and after). `<dir>` stands for the folder of the "
      "entry's files. The line shown is what the command printed; add `MOTLAB_DEBUG=1` to also "
      "see the source location and, for LibTorch errors, its C++ stack trace.\n";
  std::string group;
  int number = 0;
  for (const Case& c : catalogue()) {
    ++number;
    SCOPED_TRACE(std::to_string(number) + ": " + c.what);
    const std::string dir = env.work + "/case" + std::to_string(number);
    fs::create_directories(dir);
    const std::string command = c.command(env, dir);
    int rc = run_command("cd " + motlab::test::binary_dir() + " && (" + command + ")", &out);
    std::string shown = replace_all(replace_all(out, dir, "<dir>"), env.finished, "<finished run>");
    shown = replace_all(replace_all(shown, motlab::test::binary_dir(), "<build>"),
                        motlab::test::source_dir(), "<motlab>");
    EXPECT_NE(rc, 0) << shown;
    for (const auto& part : c.expect)
      EXPECT_NE(shown.find(part), std::string::npos) << "'" << part << "' not in:\n" << shown;
    EXPECT_EQ(shown.find("frame #"), std::string::npos) << "a C++ stack trace reached the user";
    EXPECT_EQ(shown.find(".cpp:"), std::string::npos) << "a source location reached the user";
    if (c.protect_finished) {
      EXPECT_EQ(checksum(env.finished), finished_sum) << "the run changed";
    }
    if (c.after) c.after(env, dir);
    if (group != c.group) {
      group = c.group;
      doc += "\n## " + group + "\n\n| # | Bad input | What motlab says |\n|---|---|---|\n";
    }
    std::string line = error_line(shown);
    line = replace_all(line, "|", "\\|");
    doc += "| " + std::to_string(number) + " | " + c.what + " | `" + line + "` |\n";
  }
  EXPECT_EQ(checksum(env.finished), finished_sum);
  EXPECT_GE(number, 40);
  const std::string path = motlab::test::source_dir() + "/docs/bad_inputs.md";
  if (std::getenv("MOTLAB_UPDATE_BAD_INPUTS_DOC")) {
    motlab::write_file_atomic(path, doc);
  } else {
    EXPECT_EQ(motlab::read_file(path), doc)
        << "docs/bad_inputs.md is stale: rerun with MOTLAB_UPDATE_BAD_INPUTS_DOC=1";
  }
}
