// Motion search on small trained runs (synthetic default data, a few hundred steps):
//  - `motlab search` ranks each test caption's own motion where protocol (a) ranks it, answers a
//    Korean query with its top-10, searches motion to motion; `motlab score` equals the cosine of
//    the saved embeddings; `motlab index` reuses what it encoded;
//  - `motlab serve` serves its assets and indexed motions only: traversal (plain, encoded, a
//    symlink out of the dataset), bad queries, bad k, malformed HTTP get 4xx and the server stays
//    up; concurrent requests get the answers sequential ones get;
//  - in headless Chromium (tools/npm/viewer_check.mjs), a typed Korean query shows k cards per
//    run with drawn figures and the ids `motlab search` gives, side by side with --compare.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"
#include "tests/support/search_checks.h"

namespace {

namespace fs = std::filesystem;
using motlab::test::run_command;
using motlab::test::shell_quote;

// Two trained runs shared by the tests of this file (each test is its own process): trained
// once per motlab build, under a lock so parallel tests wait for the first.
struct Runs {
  std::string a, b;  // a: transformer motion encoder; b: CNN motion encoder
};
const Runs& trained_runs() {
  static const Runs runs = [] {
    const std::string motlab = motlab::test::motlab_executable();
    const auto stamp = fs::last_write_time(motlab).time_since_epoch().count();
    const std::string dir =
        motlab::test::binary_dir() + "/test_tmp/search_runs_" + std::to_string(stamp);
    fs::create_directories(dir);
    const std::string train = motlab +
                              " run method=sllm text_encoder=ngram_bow size=tiny trainer.epochs=4"
                              " trainer.max_batches_per_epoch=25 threads=1 seed=3";
    const std::string script = "cd " + motlab::test::binary_dir() + " && flock " + dir +
                               "/lock sh -c '" + "test -f " + dir +
                               "/a/embeddings/test_text.npy || " + train + " run.dir=" + dir +
                               "/a; " + "test -f " + dir + "/b/embeddings/test_text.npy || " +
                               train + " motion_encoder=cnn run.dir=" + dir + "/b'";
    std::string out;
    EXPECT_EQ(run_command(script, &out), 0) << out;
    return Runs{dir + "/a", dir + "/b"};
  }();
  return runs;
}

// `motlab serve ...` in the background on a free loopback port; stopped when destroyed.
class Server {
 public:
  explicit Server(const std::string& args) {
    int pipe_fds[2];
    EXPECT_EQ(pipe(pipe_fds), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(pipe_fds[1], 1);
      dup2(pipe_fds[1], 2);
      close(pipe_fds[0]);
      const std::string command = "cd " + motlab::test::binary_dir() + " && exec " +
                                  motlab::test::motlab_executable() + " serve " + args +
                                  " --port 0";
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(pipe_fds[1]);
    output_ = fdopen(pipe_fds[0], "r");
    // Wait for "motlab serve: http://127.0.0.1:<port>/" (indexing may come first).
    const std::regex ready(R"(motlab serve: http://([0-9.]+):([0-9]+)/)");
    char line[4096];
    while (fgets(line, sizeof line, output_)) {
      log_ += line;
      std::smatch match;
      const std::string text = line;
      if (std::regex_search(text, match, ready)) {
        host_ = match[1];
        port_ = std::stoi(match[2]);
        break;
      }
    }
    EXPECT_GT(port_, 0) << "motlab serve did not start:\n" << log_;
  }
  ~Server() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (output_) fclose(output_);
  }
  bool running() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }
  int port() const { return port_; }
  const std::string& host() const { return host_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c;
  }
  // Sends `raw` bytes as they are and returns what the server answers (its status line first).
  std::string raw(const std::string& raw_request) const {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    std::string answer;
    // Read until the server closes or 3 s pass (a server still waiting for a promised body).
    timeval timeout{3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      (void)!write(fd, raw_request.data(), raw_request.size());
      char buffer[4096];
      for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) answer.append(buffer, n);
    }
    close(fd);
    return answer;
  }

 private:
  pid_t pid_ = -1;
  FILE* output_ = nullptr;
  std::string log_, host_;
  int port_ = 0;
};

int status_of(const httplib::Client& constant_client, const std::string& path) {
  httplib::Client& client = const_cast<httplib::Client&>(constant_client);
  auto res = client.Get(path.c_str());
  return res ? res->status : -1;
}

TEST(Search, RanksAreProtocolARanksAndScoresAreTheRunsSimilarity) {
  const Runs& runs = trained_runs();
  const int compared = motlab::test::expect_search_ranks_match_protocol_a(runs.a, 60);
  EXPECT_GE(compared, 55);
  motlab::test::expect_score_matches_similarity(runs.a, 5);
  motlab::test::expect_score_matches_similarity(runs.b, 3);

  // Indexing again reuses every stored embedding.
  std::string out;
  ASSERT_EQ(
      run_command(motlab::test::motlab_executable() + " index " + runs.a + " --splits test", &out),
      0)
      << out;
  EXPECT_NE(out.find("indexed 600 motions (0 encoded"), std::string::npos) << out;

  // A Korean query, default k: a header line and ten result lines with id, score and captions.
  ASSERT_EQ(run_command("(" + motlab::test::motlab_executable() + " search " + runs.a +
                            " '사람이 앞으로 걷다가 뒤로 돈다' 2>/dev/null)",
                        &out),
            0)
      << out;
  const std::regex hit_line(R"( +([0-9]+)  (M?[0-9]{6}) +(-?[0-9.]+)  .+)");
  int lines = 0, expected_rank = 1;
  std::stringstream text(out);
  for (std::string line; std::getline(text, line);) {
    std::smatch match;
    if (!std::regex_match(line, match, hit_line)) continue;
    EXPECT_EQ(std::stoi(match[1]), expected_rank++);
    ++lines;
  }
  EXPECT_EQ(lines, 10) << out;
  EXPECT_EQ(out.rfind("query: 사람이 앞으로 걷다가 뒤로 돈다", 0), 0u) << out;

  // Motion to motion: never the motion itself, k results.
  const auto pairs = motlab::test::read_test_pairs(runs.a);
  ASSERT_EQ(run_command("(" + motlab::test::motlab_executable() + " search " + runs.a +
                            " --splits test --json -k 4 --motion " + pairs.ids[0] + " 2>/dev/null)",
                        &out),
            0)
      << out;
  const auto similar = nlohmann::json::parse(out);
  ASSERT_EQ(similar[0]["results"].size(), 4u);
  for (const auto& hit : similar[0]["results"]) EXPECT_NE(hit["id"], pairs.ids[0]);

  // Bad arguments name what was expected.
  EXPECT_NE(run_command(motlab::test::motlab_executable() + " search " + runs.a + " x -k 0", &out),
            0);
  EXPECT_NE(out.find("-k needs an integer in [1, 1000], got '0'"), std::string::npos) << out;
  EXPECT_NE(run_command(motlab::test::motlab_executable() + " search " + runs.a +
                            " --splits test --motion no_such_motion",
                        &out),
            0);
  EXPECT_NE(out.find("'no_such_motion' is neither an indexed motion id nor a .npy file"),
            std::string::npos)
      << out;
}

// A copy of three test motions of the run's data where the third's files are symlinks to a
// folder outside the dataset.
std::string dataset_with_symlink_escape(const std::string& run_dir, std::string* escaped_id,
                                        std::vector<std::string>* kept_ids) {
  const auto pairs = motlab::test::read_test_pairs(run_dir);
  const std::string source = motlab::test::binary_dir() + "/data_cache/synth_ko_seed0_n2000";
  const std::string work = motlab::test::temp_dir("serve_symlink");
  const std::string root = work + "/data", outside = work + "/outside";
  for (const char* sub : {"new_joint_vecs", "new_joints", "texts_ko"}) {
    fs::create_directories(root + "/" + sub);
    fs::create_directories(outside + "/" + sub);
  }
  for (const char* file : {"Mean.npy", "Std.npy"}) fs::copy(source + "/" + file, root + "/" + file);
  std::ofstream split(root + "/test.txt");
  for (int i = 0; i < 3; ++i) {
    const std::string& id = pairs.ids[static_cast<size_t>(i)];
    split << id << "\n";
    fs::copy(source + "/texts_ko/" + id + ".txt", root + "/texts_ko/" + id + ".txt");
    for (const char* sub : {"new_joint_vecs", "new_joints"}) {
      const std::string name = std::string(sub) + "/" + id + ".npy";
      if (i < 2) {
        fs::copy(source + "/" + name, root + "/" + name);
      } else {
        fs::copy(source + "/" + name, outside + "/" + name);
        fs::create_symlink(outside + "/" + name, root + "/" + name);
      }
    }
    (i < 2 ? kept_ids->push_back(id) : (void)(*escaped_id = id));
  }
  for (const char* empty : {"train.txt", "val.txt"}) std::ofstream(root + "/" + empty) << "";
  return root;
}

TEST(Serve, ServesItsAssetsAndIndexedMotionsOnlyAndRefusesBadRequests) {
  const Runs& runs = trained_runs();
  std::string escaped;
  std::vector<std::string> kept;
  const std::string root = dataset_with_symlink_escape(runs.a, &escaped, &kept);
  // data.synth=null: a plain HumanML3D folder (the run was trained on generated data).
  Server server(runs.a + " --splits test data.root=" + root + " data.synth=null");
  ASSERT_GT(server.port(), 0);
  EXPECT_EQ(server.host(), "127.0.0.1");  // loopback unless --host says otherwise
  httplib::Client client = server.client();

  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("motlab viewer"), std::string::npos);
  EXPECT_EQ(status_of(client, "/app.js"), 200);
  EXPECT_EQ(status_of(client, "/style.css"), 200);
  EXPECT_EQ(status_of(client, "/api/info"), 200);
  EXPECT_EQ(status_of(client, "/api/motion?id=" + kept[0]), 200);

  // Nothing but the assets and indexed ids: plain and encoded traversal, absolute paths, ids
  // that are paths, a motion whose files are symlinks out of the dataset.
  for (const std::string& path : std::vector<std::string>{
           "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
           "/..%2f..%2f..%2fetc%2fpasswd", "/app.js/../../../../etc/passwd", "/%2fetc%2fpasswd",
           "//etc/passwd", "/index.html", "/config_resolved.yaml",
           "/api/motion?id=..%2f..%2f..%2fetc%2fpasswd", "/api/motion?id=%2fetc%2fpasswd",
           "/api/motion?id=", "/api/motion", "/api/similar?id=..%2fa", "/api/nothing",
           std::string("/api/motion?id=") + escaped})
    EXPECT_EQ(status_of(client, path), 404) << path;
  auto escaped_motion = client.Get(("/api/motion?id=" + escaped).c_str());
  ASSERT_TRUE(escaped_motion);
  EXPECT_NE(escaped_motion->body.find("no motion file inside the dataset"), std::string::npos);
  EXPECT_EQ(escaped_motion->body.find("\"joints\""), std::string::npos);

  // Bounded queries and k: 400 with the reason.
  const std::string long_query(501, 'a');
  for (const std::string& path : std::vector<std::string>{
           "/api/search", "/api/search?q=", "/api/search?q=" + long_query, "/api/search?q=%ff%fe",
           "/api/search?q=a&k=0", "/api/search?q=a&k=51", "/api/search?q=a&k=abc",
           "/api/search?q=a&k=-1", "/api/search?q=a&k=1e3",
           "/api/search?q=a&k=99999999999999999999", "/api/similar?id=" + kept[0] + "&k=0"})
    EXPECT_EQ(status_of(client, path), 400) << path;
  EXPECT_EQ(status_of(client, "/api/search?q=" + std::string(500, 'a') + "&k=50"), 200);

  // Malformed HTTP: a 4xx answer, never a crash; the server keeps serving. (A header line without
  // a colon is not among them: cpp-httplib skips such a line and answers the request.)
  int answered = 0;
  for (const std::string& request : std::vector<std::string>{
           std::string("GARBAGE\r\n\r\n"), std::string("GET\r\n\r\n"),
           "GET /" + std::string(70000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
           std::string("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"),
           std::string("POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n"),
           std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)}) {
    const std::string answer = server.raw(request);
    answered += !answer.empty();
    if (!answer.empty()) {
      const std::string status = answer.substr(0, answer.find("\r\n"));
      EXPECT_TRUE(std::regex_search(status, std::regex("^HTTP/1\\.[01] 4[0-9][0-9]")))
          << status << " for " << request.substr(0, 40);
    }
    EXPECT_TRUE(server.running()) << request.substr(0, 40);
  }
  // All but the huge promised body (the server waits for it past our 3 s) get an answer.
  EXPECT_GE(answered, 5);
  // DNS rebinding: a request naming another host is refused on a loopback server.
  auto rebound = client.Get("/api/info", httplib::Headers{{"Host", "attacker.example"}});
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 403) << rebound->body;
  auto local_name = client.Get("/api/info", httplib::Headers{{"Host", "localhost:8080"}});
  ASSERT_TRUE(local_name);
  EXPECT_EQ(local_name->status, 200);
  EXPECT_EQ(status_of(client, "/app.js"), 200);
  EXPECT_EQ(status_of(client, "/appXjs"), 404);  // route patterns are regular expressions
  auto post = client.Post("/api/search", "q=a", "application/x-www-form-urlencoded");
  ASSERT_TRUE(post);
  EXPECT_GE(post->status, 400);
  EXPECT_LT(post->status, 500);

  // Concurrent requests get what the same requests get one at a time.
  const std::vector<std::string> queries = {"사람이 걷는다", "a person jumps", "점프한다",
                                            "앉았다가 일어난다"};
  std::map<std::string, std::string> sequential;
  for (const auto& q : queries) {
    auto res = client.Get(("/api/search?k=3&q=" + httplib::detail::encode_query_param(q)).c_str());
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    sequential[q] = res->body;
  }
  std::vector<std::future<int>> workers;
  for (int t = 0; t < 8; ++t)
    workers.push_back(std::async(std::launch::async, [&, t] {
      httplib::Client own = server.client();
      int same = 0;
      for (int r = 0; r < 6; ++r) {
        const std::string& q = queries[static_cast<size_t>(t + r) % queries.size()];
        auto res = own.Get(("/api/search?k=3&q=" + httplib::detail::encode_query_param(q)).c_str());
        same += res && res->status == 200 && res->body == sequential[q];
        same += status_of(own, "/api/motion?id=" + kept[static_cast<size_t>(r) % 2]) == 200;
      }
      return same;
    }));
  for (auto& worker : workers) EXPECT_EQ(worker.get(), 12);
  EXPECT_TRUE(server.running());
}

TEST(Viewer, ATypedKoreanQueryShowsDrawnResultCardsSideBySideInChromium) {
  const Runs& runs = trained_runs();
  const std::string node_script = motlab::test::source_dir() + "/tools/npm/viewer_check.mjs";
  ASSERT_TRUE(fs::exists(motlab::test::source_dir() + "/tools/npm/node_modules/puppeteer-core"))
      << "tools/npm/node_modules/puppeteer-core is missing: run tools/setup.sh";
  ASSERT_TRUE(fs::exists("/usr/bin/chromium"))
      << "Debian's chromium is missing: run tools/setup.sh";
  const auto pairs = motlab::test::read_test_pairs(runs.a);
  const std::string query = pairs.captions[0];  // a test caption: its ground truth is shown
  const int k = 5;
  Server server(runs.a + " --compare " + runs.b + " --splits test");
  ASSERT_GT(server.port(), 0);
  const std::string shot = motlab::test::temp_dir("viewer") + "/viewer.png";
  std::string out;
  ASSERT_EQ(run_command("node " + node_script + " " + server.url() + " " + shell_quote(query) +
                            " " + std::to_string(k) + " " + shot + " 2>&1",
                        &out),
            0)
      << out;
  const auto shown = nlohmann::json::parse(out.substr(out.find('{')));
  EXPECT_TRUE(shown["errors"].empty()) << shown["errors"].dump();
  EXPECT_EQ(shown["query"], query);
  ASSERT_EQ(shown["columns"].size(), 2u) << out;
  for (size_t r = 0; r < 2; ++r) {
    const std::string run = r == 0 ? runs.a : runs.b;
    std::string expected_out;
    ASSERT_EQ(run_command("(" + motlab::test::motlab_executable() + " search " + run +
                              " --splits test --json -k " + std::to_string(k) + " " +
                              shell_quote(query) + " 2>/dev/null)",
                          &expected_out),
              0);
    const auto expected = nlohmann::json::parse(expected_out)[0]["results"];
    const auto& column = shown["columns"][r];
    ASSERT_EQ(column["cards"].size(), static_cast<size_t>(k)) << column.dump();
    for (int j = 0; j < k; ++j) {
      EXPECT_EQ(column["cards"][j]["id"], expected[j]["id"]) << "run " << r << " card " << j;
      EXPECT_TRUE(column["cards"][j]["drawn"].get<bool>());
      EXPECT_GT(column["cards"][j]["inked"].get<int>(), 200) << "an empty canvas";
    }
    EXPECT_NE(column["ground_truth"].get<std::string>().find("ground truth " + pairs.ids[0]),
              std::string::npos)
        << column.dump();
  }
  EXPECT_EQ(shown["runs"], 2);
  EXPECT_GE(shown["curves"].get<int>(), 2);  // training curves of both runs
  // Clicking the first card searched motion to motion from it.
  EXPECT_EQ(shown["clicked"]["status"],
            "motion → motion: " + shown["columns"][0]["cards"][0]["id"].get<std::string>());
  EXPECT_EQ(shown["clicked"]["cards"], k);
  std::ifstream png(shot, std::ios::binary);
  char signature[8] = {};
  png.read(signature, 8);
  EXPECT_EQ(std::string(signature + 1, 3), "PNG") << shot;
}

}  // namespace
