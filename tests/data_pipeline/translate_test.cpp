// `motlab data translate` against loopback stand-ins for the services it talks to, started by the
// test itself and speaking their documented wire formats, each request checked field by field:
//  - DeepL API v2 POST /v2/translate (DeepL's OpenAPI spec 2.x): JSON {"text": [<= 50 strings],
//    "source_lang", "target_lang", "split_sentences"}, "Authorization: DeepL-Auth-Key <key>";
//    reply {"translations": [{"detected_source_language", "text"}]};
//  - OpenAI chat completions POST /v1/chat/completions (API reference, 2024-2025 shape):
//    {"model", "messages": [{"role": "system"}, {"role": "user"}], "temperature": 0},
//    "Authorization: Bearer <key>"; reply {"choices": [{"message": {"role", "content"}}]}.
// Faults: 429 with Retry-After, 500, a timeout, malformed JSON, a short batch reply, 456; a run
// killed with SIGKILL mid-request and resumed gives the uninterrupted run's files byte for byte,
// and no caption is answered twice.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"
#include "tests/support/search_checks.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using motlab::test::run_command;

// The stand-in's translation: deterministic, Korean, numbers kept.
std::string fake_korean(const std::string& english) { return "한국어로: " + english; }

// One loopback service (DeepL or OpenAI format) with a script of faults for its next requests.
class StandIn {
 public:
  enum class Fault { kNone, k429, k500, kTimeout, kMalformed, kShort, k456, kHold };

  explicit StandIn(bool deepl) : deepl_(deepl) {
    const char* path = deepl ? "/v2/translate" : "/v1/chat/completions";
    server_.Post(path,
                 [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~StandIn() {
    release();
    server_.stop();
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + (deepl_ ? "/v2/translate" : "/v1");
  }
  void script(std::vector<Fault> faults) {
    std::lock_guard<std::mutex> lock(mutex_);
    faults_ = std::move(faults);
  }
  // The next request that gets Fault::kHold blocks until release(); wait_held() returns once it
  // has arrived.
  void wait_held() {
    std::unique_lock<std::mutex> lock(mutex_);
    held_cv_.wait(lock, [this] { return held_; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    release_cv_.notify_all();
  }
  void answer(const std::string& source, const std::string& target) {
    std::lock_guard<std::mutex> lock(mutex_);
    answers_[source] = target;
  }
  int requests() const { return requests_; }
  std::map<std::string, int> sent() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return sent_;
  }
  std::map<std::string, int> answered() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return answered_;
  }
  const std::vector<std::string>& wire_errors() const { return wire_errors_; }

 private:
  void wire(bool ok, const std::string& what) {
    if (!ok) wire_errors_.push_back(what);
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    ++requests_;
    Fault fault = Fault::kNone;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!faults_.empty()) {
        fault = faults_.front();
        faults_.erase(faults_.begin());
      }
    }
    // The request, field by field.
    wire(req.get_header_value("Content-Type").rfind("application/json", 0) == 0,
         "Content-Type " + req.get_header_value("Content-Type"));
    json body;
    try {
      body = json::parse(req.body);
    } catch (const std::exception&) {
      wire(false, "body is not JSON: " + req.body.substr(0, 80));
      res.status = 400;
      return;
    }
    std::vector<std::string> texts;
    if (deepl_) {
      wire(req.get_header_value("Authorization") == "DeepL-Auth-Key test-key",
           "Authorization " + req.get_header_value("Authorization"));
      wire(body["text"].is_array() && !body["text"].empty() && body["text"].size() <= 50,
           "text: 1..50 strings");
      for (const auto& t : body["text"]) texts.push_back(t.get<std::string>());
      wire(body["target_lang"] == "KO", "target_lang " + body["target_lang"].dump());
      wire(body["source_lang"] == "EN", "source_lang " + body["source_lang"].dump());
      wire(body["split_sentences"] == "0", "split_sentences " + body["split_sentences"].dump());
      wire(!body.contains("formality"), "formality sent although default");
    } else {
      wire(req.get_header_value("Authorization") == "Bearer test-key",
           "Authorization " + req.get_header_value("Authorization"));
      wire(body["model"] == "stand-in-model", "model " + body["model"].dump());
      wire(body["temperature"] == 0, "temperature " + body["temperature"].dump());
      const auto& m = body["messages"];
      wire(m.is_array() && m.size() == 2 && m[0]["role"] == "system" && m[1]["role"] == "user" &&
               m[0]["content"].is_string() && m[1]["content"].is_string(),
           "messages " + m.dump().substr(0, 120));
      texts.push_back(m[1]["content"].get<std::string>());
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& t : texts) ++sent_[t];
    }
    switch (fault) {
      case Fault::k429:
        res.status = 429;
        res.set_header("Retry-After", "0");
        res.set_content(R"({"message":"Too many requests"})", "application/json");
        return;
      case Fault::k500:
        res.status = 500;
        res.set_content("internal error", "text/plain");
        return;
      case Fault::k456:
        res.status = 456;
        res.set_content(R"({"message":"Quota exceeded"})", "application/json");
        return;
      case Fault::kTimeout:
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        break;  // answered, but after the client gave up
      case Fault::kMalformed:
        res.set_content("{\"translations\": [", "application/json");
        return;
      case Fault::kHold: {
        std::unique_lock<std::mutex> lock(mutex_);
        held_ = true;
        held_cv_.notify_all();
        release_cv_.wait(lock, [this] { return released_; });
        res.status = 503;  // the client is gone by now
        return;
      }
      default:
        break;
    }
    std::vector<std::string> out;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& t : texts) {
        out.push_back(answers_.count(t) ? answers_[t] : fake_korean(t));
        if (fault != Fault::kTimeout) ++answered_[t];
      }
    }
    if (fault == Fault::kShort) out.pop_back();
    json reply;
    if (deepl_) {
      reply["translations"] = json::array();
      for (const auto& t : out)
        reply["translations"].push_back({{"detected_source_language", "EN"}, {"text", t}});
    } else {
      reply = {{"id", "chatcmpl-standin"},
               {"object", "chat.completion"},
               {"model", body["model"]},
               {"choices",
                {{{"index", 0},
                  {"message", {{"role", "assistant"}, {"content", out.empty() ? "" : out[0]}}},
                  {"finish_reason", "stop"}}}}};
    }
    res.set_content(reply.dump(), "application/json");
  }

  bool deepl_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::condition_variable held_cv_, release_cv_;
  bool held_ = false, released_ = false;
  std::vector<Fault> faults_;
  std::map<std::string, std::string> answers_;
  std::map<std::string, int> sent_, answered_;
  std::vector<std::string> wire_errors_;
};

std::string translate_command(const std::string& root, const StandIn& service, bool deepl,
                              const std::string& extra = "") {
  return "env DEEPL_AUTH_KEY=test-key OPENAI_API_KEY=test-key " +
         motlab::test::motlab_executable() + " data translate " + root +
         (deepl ? " --backend deepl translator.url=" + service.url()
                : " --backend openai translator.base_url=" + service.url() +
                      " translator.model=stand-in-model") +
         " --target-dir texts_mt --backoff 0.01 " + extra;
}

// Every file under dir/sub: name -> bytes.
std::map<std::string, std::string> files_of(const std::string& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    out[e.path().filename()] = motlab::read_file(e.path());
  return out;
}

// A small HumanML3D text folder: 60 distinct captions over 30 files, repeats, sub-segments.
std::string small_dataset() {
  const std::string root = motlab::test::temp_dir("translate_small");
  fs::create_directories(root + "/texts");
  for (int f = 0; f < 30; ++f) {
    std::ofstream out(root + "/texts/" + std::to_string(100000 + f).substr(1) + ".txt");
    out << "a person walks forward " << f << " steps.#a/DET person/NOUN#0.0#0.0\n";
    out << "someone turns around#someone/PRON turns/VERB#1.5#3.25\n";   // repeated in every file
    out << "the man waves number " << (f + 100) << "#the/DET#0.0#0.0";  // no final newline
  }
  return root;
}

pid_t spawn(const std::string& command) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + command + " >/dev/null 2>&1").c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

TEST(Translate, OpenAiKillResumeGivesTheUninterruptedFilesAndSendsNothingTwice) {
  // The built-in dataset's English side, 200 motions (400 with mirrors).
  const std::string work = motlab::test::temp_dir("translate_resume");
  std::string out;
  ASSERT_EQ(run_command(motlab::test::motlab_executable() + " data synth --out " + work +
                            "/a --motions 200 --language en",
                        &out),
            0)
      << out;
  ASSERT_EQ(run_command("cp -r " + work + "/a " + work + "/b"), 0);

  StandIn uninterrupted(false);
  ASSERT_EQ(run_command(translate_command(work + "/a", uninterrupted, false), &out), 0) << out;
  EXPECT_TRUE(uninterrupted.wire_errors().empty()) << uninterrupted.wire_errors()[0];
  const auto reference = files_of(work + "/a/texts_mt");
  ASSERT_EQ(reference.size(), 400u);
  // Line for line the source, the caption field translated and every other byte kept.
  for (const auto& [name, bytes] : reference) {
    const std::string source = motlab::read_file(work + "/a/texts/" + name);
    std::stringstream in(source), got(bytes);
    std::string a, b;
    while (std::getline(in, a)) {
      ASSERT_TRUE(std::getline(got, b)) << name;
      EXPECT_EQ(b, fake_korean(a.substr(0, a.find('#'))) + a.substr(a.find('#'))) << name;
    }
    EXPECT_FALSE(std::getline(got, b)) << name;
    EXPECT_EQ(source.back() == '\n', bytes.back() == '\n') << name;
  }
  const int distinct = uninterrupted.requests();
  EXPECT_EQ(static_cast<int>(uninterrupted.sent().size()), distinct);  // one request per caption
  EXPECT_NE(out.find("sent " + std::to_string(distinct) + " captions"), std::string::npos) << out;

  // Killed (SIGKILL) while its request number distinct/2 is in flight, then resumed.
  StandIn service(false);
  std::vector<StandIn::Fault> script(static_cast<size_t>(distinct / 2), StandIn::Fault::kNone);
  script.push_back(StandIn::Fault::kHold);
  service.script(script);
  const pid_t child = spawn(translate_command(work + "/b", service, false));
  service.wait_held();
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
  service.release();
  const auto partial = files_of(work + "/b/texts_mt");
  EXPECT_GT(partial.size(), 0u);
  EXPECT_LT(partial.size(), 400u);
  for (const auto& [name, bytes] : partial) EXPECT_EQ(bytes, reference.at(name)) << name;
  ASSERT_EQ(run_command(translate_command(work + "/b", service, false), &out), 0) << out;
  EXPECT_EQ(files_of(work + "/b/texts_mt"), reference);
  EXPECT_TRUE(service.wire_errors().empty());
  // Every caption answered exactly once over both runs; only the one in flight at the kill
  // (never answered) was sent again.
  int resent = 0;
  for (const auto& [caption, count] : service.answered()) EXPECT_EQ(count, 1) << caption;
  EXPECT_EQ(static_cast<int>(service.answered().size()), distinct);
  for (const auto& [caption, count] : service.sent()) resent += count - 1;
  EXPECT_EQ(resent, 1);
  EXPECT_EQ(service.requests(), distinct + 1);
  std::printf("kill/resume: %d distinct captions, %d requests in all (1 in flight at the kill)\n",
              distinct, service.requests());
  for (const auto& entry : fs::recursive_directory_iterator(work + "/b"))
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();

  // A second run costs nothing; the checks found nothing in the stand-in's translations.
  const int before = service.requests();
  ASSERT_EQ(run_command(translate_command(work + "/b", service, false), &out), 0) << out;
  EXPECT_EQ(service.requests(), before);
  EXPECT_NE(out.find("400 output file(s) already there (kept)"), std::string::npos) << out;
  EXPECT_NE(out.find("checks: no problems"), std::string::npos) << out;
  // `motlab data check` validates the folder as any caption folder.
  EXPECT_EQ(run_command(motlab::test::motlab_executable() + " data check " + work +
                            "/b --text-dir texts_mt",
                        &out),
            0)
      << out;
}

TEST(Translate, DeepLWireFormatRetriesTransientFaultsAndStopsOnOthersKeepingTheWork) {
  const std::string root = small_dataset();
  StandIn service(true);
  // 61 distinct captions -> two requests of <= 50; faults first: 429, 500, a timeout.
  service.script({StandIn::Fault::k429, StandIn::Fault::k500, StandIn::Fault::kTimeout});
  std::string out;
  ASSERT_EQ(run_command(translate_command(root, service, true, "translator.timeout_s=0.5"), &out),
            0)
      << out;
  EXPECT_TRUE(service.wire_errors().empty()) << service.wire_errors()[0];
  EXPECT_EQ(service.requests(), 5);  // 3 faults + 2 batches
  EXPECT_NE(out.find("61 distinct"), std::string::npos) << out;
  EXPECT_NE(out.find("(3 retries)"), std::string::npos) << out;
  // Fields other than the caption kept byte for byte (and the missing final newline).
  const std::string file = motlab::read_file(root + "/texts_mt/00007.txt");
  EXPECT_EQ(file,
            "한국어로: a person walks forward 7 steps.#a/DET person/NOUN#0.0#0.0\n"
            "한국어로: someone turns around#someone/PRON turns/VERB#1.5#3.25\n"
            "한국어로: the man waves number 107#the/DET#0.0#0.0");

  // Malformed JSON and a short batch stop the run with the endpoint and what was wrong; what was
  // finished stays, and the next run sends only what is missing.
  const std::string root2 = small_dataset();
  StandIn faulty(true);
  faulty.script({StandIn::Fault::kNone, StandIn::Fault::kMalformed});
  EXPECT_NE(run_command(translate_command(root2, faulty, true), &out), 0);
  EXPECT_NE(out.find(faulty.url() + ": the reply is not JSON"), std::string::npos) << out;
  EXPECT_NE(out.find("50 captions translated so far are kept in"), std::string::npos) << out;
  const auto after_failure = files_of(root2 + "/texts_mt");
  faulty.script({StandIn::Fault::kShort});
  EXPECT_NE(run_command(translate_command(root2, faulty, true), &out), 0);
  EXPECT_NE(out.find("10 translations for 11 texts"), std::string::npos) << out;
  EXPECT_EQ(files_of(root2 + "/texts_mt"), after_failure);
  ASSERT_EQ(run_command(translate_command(root2, faulty, true), &out), 0) << out;
  EXPECT_NE(out.find("50 cached, 11 to send"), std::string::npos) << out;
  EXPECT_EQ(files_of(root2 + "/texts_mt"), files_of(root + "/texts_mt"));

  // 429 on every attempt: gives up after --retries; 456 (quota) is not retried.
  const std::string root3 = small_dataset();
  StandIn busy(true);
  busy.script(std::vector<StandIn::Fault>(10, StandIn::Fault::k429));
  EXPECT_NE(run_command(translate_command(root3, busy, true, "--retries 2"), &out), 0);
  EXPECT_NE(out.find("HTTP 429"), std::string::npos) << out;
  EXPECT_NE(out.find("gave up after 3 attempts"), std::string::npos) << out;
  EXPECT_EQ(busy.requests(), 3);
  StandIn quota(true);
  quota.script({StandIn::Fault::k456});
  EXPECT_NE(run_command(translate_command(root3, quota, true), &out), 0);
  EXPECT_NE(out.find("HTTP 456"), std::string::npos) << out;
  EXPECT_EQ(quota.requests(), 1);
  EXPECT_FALSE(fs::exists(root3 + "/texts_mt/00000.txt"));
  // No key: a clear error before anything is sent.
  StandIn unused(true);
  EXPECT_NE(run_command("env -u DEEPL_AUTH_KEY " + motlab::test::motlab_executable() +
                            " data translate " + root3 + " translator.url=" + unused.url(),
                        &out),
            0);
  EXPECT_NE(out.find("set the environment variable DEEPL_AUTH_KEY"), std::string::npos) << out;
  EXPECT_EQ(unused.requests(), 0);

  // An output file already there is kept, and captions only it needs are never sent.
  const std::string root4 = small_dataset();
  fs::create_directories(root4 + "/texts_mt");
  std::ofstream(root4 + "/texts_mt/00000.txt") << "translated elsewhere";
  StandIn partial(true);
  ASSERT_EQ(run_command(translate_command(root4, partial, true), &out), 0) << out;
  EXPECT_EQ(motlab::read_file(root4 + "/texts_mt/00000.txt"), "translated elsewhere");
  EXPECT_EQ(partial.sent().size(), 59u);
  EXPECT_EQ(partial.sent().count("a person walks forward 0 steps."), 0u);
  EXPECT_NE(out.find("1 output file(s) already there (kept)"), std::string::npos) << out;

  // A byte order mark and CRLF line ends are kept; only the caption is sent.
  const std::string root5 = motlab::test::temp_dir("translate_crlf");
  fs::create_directories(root5 + "/texts");
  std::ofstream(root5 + "/texts/000001.txt", std::ios::binary)
      << "\xEF\xBB\xBF"
         "a person jumps\r\nsomeone sits#x/X#0.0#0.0\r\n";
  StandIn crlf(true);
  ASSERT_EQ(run_command(translate_command(root5, crlf, true), &out), 0) << out;
  EXPECT_EQ(motlab::read_file(root5 + "/texts_mt/000001.txt"),
            "\xEF\xBB\xBF"
            "한국어로: a person jumps\r\n한국어로: someone sits#x/X#0.0#0.0\r\n");
  EXPECT_EQ(crlf.sent().count("a person jumps"), 1u);
  EXPECT_EQ(crlf.sent().count("someone sits"), 1u);
}

TEST(Translate, BudgetDryRunAndChecks) {
  const std::string root = small_dataset();
  StandIn service(false);
  std::string out;
  // A dry run sends nothing.
  ASSERT_EQ(run_command(translate_command(root, service, false, "--dry-run"), &out), 0) << out;
  EXPECT_NE(out.find("dry run: 30 file(s), 90 captions, 61 distinct"), std::string::npos) << out;
  EXPECT_EQ(service.requests(), 0);
  // Replies for the checks below: numbers changed and a flipped direction, an empty and an
  // untranslated reply.
  service.answer("a person walks forward 3 steps.", "사람이 뒤로 네 걸음 걷는다.");
  service.answer("a person walks forward 4 steps.", "");
  service.answer("a person walks forward 5 steps.", "a person walks forward 5 steps.");
  service.answer("someone turns around", "누군가 돌아선다");
  // A budget stops before it would be exceeded (exit 3); the next run continues.
  EXPECT_EQ(run_command(translate_command(root, service, false, "--max-chars 300"), &out), 3)
      << out;
  size_t sent_chars = 0;  // the captions are ASCII: bytes = characters
  for (const auto& [caption, count] : service.sent()) sent_chars += caption.size();
  EXPECT_LE(sent_chars, 300u);
  EXPECT_GT(sent_chars, 250u);
  EXPECT_NE(out.find("stopped before the budget"), std::string::npos) << out;
  const int first = service.requests();
  EXPECT_GT(first, 0);

  ASSERT_EQ(run_command(translate_command(root, service, false), &out), 0) << out;
  for (const auto& [caption, count] : service.sent()) EXPECT_EQ(count, 1) << caption;
  EXPECT_NE(out.find("direction:forward/backward 1"), std::string::npos) << out;
  EXPECT_NE(out.find("empty 1"), std::string::npos) << out;
  EXPECT_NE(out.find("numbers 1"), std::string::npos) << out;
  EXPECT_NE(out.find("untranslated 1"), std::string::npos) << out;
  const json report = json::parse(motlab::read_file(root + "/texts_mt_report.json"));
  ASSERT_TRUE(report["by_file"].contains("00003.txt")) << report.dump(2);
  EXPECT_EQ(report["by_file"]["00003.txt"][0]["line"], 1);
  EXPECT_EQ(report["by_file"]["00003.txt"][0]["problems"],
            json::array({"numbers", "direction:forward/backward"}));
}

TEST(Translate, DryRunCountsOfTheSharedRealCaptions) {
  MOTLAB_REQUIRE_SHARED();
  const std::string kit = motlab::test::shared_dir() + "/data/kitml/annotations.json";
  const json doc = json::parse(motlab::read_file(kit));
  size_t captions = 0;
  std::set<std::string> distinct;
  for (const auto& [keyid, motion] : doc.items())
    for (const auto& a : motion["annotations"]) {
      ++captions;
      distinct.insert(a["text"].get<std::string>());
    }
  std::string out;
  ASSERT_EQ(run_command(motlab::test::motlab_executable() + " data translate " + kit + " --dry-run",
                        &out),
            0)
      << out;
  EXPECT_NE(out.find("dry run: 1 file(s), " + std::to_string(captions) + " captions, " +
                     std::to_string(distinct.size()) + " distinct"),
            std::string::npos)
      << out;
  EXPECT_EQ(captions, 12164u);
  std::printf("KIT-ML annotations.json: %zu captions, %zu distinct\n", captions, distinct.size());
  // The HumanML3D sample ships no captions (texts.zip is not in ../shared): a clear error.
  EXPECT_NE(run_command(motlab::test::motlab_executable() + " data translate " +
                            motlab::test::shared_dir() + "/data/humanml3d/sample --dry-run",
                        &out),
            0);
  EXPECT_NE(out.find("has no texts/ folder of caption files"), std::string::npos) << out;
}

}  // namespace
