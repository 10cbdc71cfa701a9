// motlab serve <run dir> [--compare <run dir>] [--port 8080] [--host 127.0.0.1] [--splits ...]
// A local web viewer (cpp-httplib): a query box, the top-k motions as animated stick figures,
// motion-to-motion search by clicking one, two runs side by side (--compare) with the rank of the
// query's ground-truth test motion, and each run's metrics and training curves.
//
// Safe by default: it binds 127.0.0.1 unless --host says otherwise; it serves its own three
// assets and JSON about indexed motions only (no file paths: any other path, `..`, an encoded
// traversal or a symlink is 404), bounds the query's length and k, and answers malformed
// requests with 400.
#include <httplib.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "framework/artifacts/run_dir.h"
#include "framework/core/error.h"
#include "framework/data/joints_to_features.h"
#include "framework/io/atomic_file.h"
#include "framework/text/unicode.h"
#include "tools/motlab/cli.h"
#include "tools/motlab/search_session.h"
#include "tools/motlab/viewer_assets.h"

namespace motlab::cli {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxQueryBytes = 500;
constexpr int64_t kMaxK = 50;

struct ServedRun {
  std::string name;
  std::unique_ptr<SearchSession> session;
  std::mutex mutex;  // encoders and LibTorch modules are used by one request at a time
  json metrics, curves;
  std::map<std::string, std::string> test_caption_owner;  // test caption -> its motion id
};

// The run's metrics (numbers only: the viewer shows a value for each).
json read_metrics(const std::string& dir) {
  json out = json::object();
  const RunDir run(dir);
  if (!run.has_summary()) return out;
  for (const auto& [key, value] : run.summary().metrics)
    if (value) out[key] = *value;
  return out;
}

// metrics.csv as a list of {column: number} rows.
json read_curves(const std::string& dir) {
  json rows = json::array();
  std::ifstream in(RunDir(dir).file("metrics.csv"));
  std::string line;
  if (!std::getline(in, line)) return rows;
  std::vector<std::string> header;
  std::stringstream head(line);
  for (std::string cell; std::getline(head, cell, ',');) header.push_back(cell);
  while (std::getline(in, line)) {
    std::stringstream cells(line);
    json row = json::object();
    size_t k = 0;
    for (std::string cell; std::getline(cells, cell, ',') && k < header.size(); ++k)
      if (!cell.empty()) row[header[k]] = std::atof(cell.c_str());
    rows.push_back(row);
  }
  return rows;
}

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

void bad_request(httplib::Response& res, const std::string& why) {
  reply(res, 400, {{"error", why}});
}

// k from ?k=, default 8, within [1, kMaxK]; false (and a 400) when it is not a number in range.
bool read_k(const httplib::Request& req, httplib::Response& res, int64_t* k) {
  *k = 8;
  if (!req.has_param("k")) return true;
  if (!parse_integer(req.get_param_value("k"), k) || *k < 1 || *k > kMaxK) {
    bad_request(res, "k must be a number in [1, " + std::to_string(kMaxK) + "]");
    return false;
  }
  return true;
}

int serve_command(CommandLine& cl) {
  SessionArgs args;
  std::string compare, host = "127.0.0.1";
  int64_t port_number = 8080;
  cl.describe(
      "  a local web page: type a Korean or English query, see the top-k motions drawn as\n"
      "  animated stick figures (click one to search by it); --compare puts a second run beside\n"
      "  the first; each run's metrics and training curves are shown. Binds 127.0.0.1 unless\n"
      "  --host is given. The runs are indexed first when needed (motlab index).");
  declare_session_args(cl, &args, "");
  cl.text("compare", &compare, "RUN_DIR", "a second run shown beside the first")
      .integer("port", &port_number, 0, 65535, "N", "0: any free port")
      .text("host", &host, "ADDR", "address to listen on")
      .parse();
  finish_session_args(cl, &args, false);
  int port = static_cast<int>(port_number);
  std::vector<std::unique_ptr<ServedRun>> runs;
  std::vector<std::string> dirs{args.run_dir};
  if (!compare.empty()) dirs.push_back(compare);
  for (const auto& dir : dirs) {
    auto run = std::make_unique<ServedRun>();
    SessionArgs one = args;
    one.run_dir = dir;
    run->session = std::make_unique<SearchSession>(one, /*rebuild=*/false, nullptr);
    run->session->encoders();  // load before serving: the first request is not slow
    run->metrics = read_metrics(dir);
    run->curves = read_curves(dir);
    const std::string method = run->session->encoders().config.get<std::string>("run.name", "");
    run->name = (method.empty() ? "run" : method) + " (" +
                std::filesystem::path(dir).filename().string() + ")";
    for (const auto& motion : run->session->index().motions())
      if (motion.split == "test")
        for (const auto& caption : run->session->captions(motion.id))
          run->test_caption_owner.emplace(caption, motion.id);
    runs.push_back(std::move(run));
  }
  SearchSession& first = *runs[0]->session;

  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(4); };
  server.set_payload_max_length(64 * 1024);
  // Route patterns are regular expressions in cpp-httplib: the dots are escaped.
  for (const auto& [path, asset] : viewer_assets())
    server.Get(std::regex_replace(path, std::regex(R"(\.)"), R"(\.)"),
               [asset = asset](const httplib::Request&, httplib::Response& res) {
                 res.set_content(asset.body, asset.type);
               });
  server.Get("/api/info", [&](const httplib::Request&, httplib::Response& res) {
    json out;
    out["fps"] = first.index().layout().fps;
    out["chains"] = features::kinematic_chains();
    out["runs"] = json::array();
    for (const auto& run : runs) {
      json metrics = json::object();
      for (const auto& [key, value] : run->metrics.items())
        if (value.is_number()) metrics[key] = value;
      out["runs"].push_back({{"name", run->name},
                             {"motions", run->session->index().motions().size()},
                             {"metrics", metrics},
                             {"curves", run->curves}});
    }
    reply(res, 200, out);
  });
  server.Get("/api/search", [&](const httplib::Request& req, httplib::Response& res) {
    const std::string q = req.get_param_value("q");
    if (q.empty() || q.size() > kMaxQueryBytes || text::unicode::invalid_utf8_offset(q) >= 0)
      return bad_request(res,
                         "q must be 1.." + std::to_string(kMaxQueryBytes) + " bytes of UTF-8 text");
    int64_t k = 0;
    if (!read_k(req, res, &k)) return;
    json out;
    out["query"] = q;
    out["runs"] = json::array();
    for (const auto& run : runs) {
      std::lock_guard<std::mutex> lock(run->mutex);
      SearchSession& session = *run->session;
      const torch::Tensor query = session.encoders().encode_text({q});
      json column;
      column["hits"] = session.hits_json(session.search_vector(query, k, ""));
      // A test caption: the rank of its own motion among every indexed motion.
      auto owner = run->test_caption_owner.find(q);
      if (owner != run->test_caption_owner.end()) {
        const auto position = session.index().position_of(owner->second);
        const torch::Tensor scores = torch::matmul(session.index().embeddings(), query[0]);
        const double own = scores[*position].item<double>();
        column["ground_truth"] = {{"id", owner->second},
                                  {"rank", 1 + (scores > own).sum().item<int64_t>()}};
      } else {
        column["ground_truth"] = nullptr;
      }
      out["runs"].push_back(column);
    }
    reply(res, 200, out);
  });
  server.Get("/api/similar", [&](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.get_param_value("id");
    if (!first.index().position_of(id)) return reply(res, 404, {{"error", "no indexed motion"}});
    int64_t k = 0;
    if (!read_k(req, res, &k)) return;
    json out;
    out["runs"] = json::array();
    for (const auto& run : runs) {
      std::lock_guard<std::mutex> lock(run->mutex);
      SearchSession& session = *run->session;
      json column;
      column["hits"] = session.index().position_of(id)
                           ? session.hits_json(session.similar_motions(id, k))
                           : json::array();
      column["ground_truth"] = nullptr;
      out["runs"].push_back(column);
    }
    reply(res, 200, out);
  });
  server.Get("/api/motion", [&](const httplib::Request& req, httplib::Response& res) {
    // Only ids of the index: never a path (the id is looked up, not joined to a folder).
    const std::string id = req.get_param_value("id");
    if (!first.index().position_of(id)) return reply(res, 404, {{"error", "no indexed motion"}});
    torch::Tensor joints;
    {
      std::lock_guard<std::mutex> lock(runs[0]->mutex);
      joints = first.joints(id);
    }
    // A motion file that leaves the dataset folder (a symlink out of it) is not served.
    if (!joints.defined()) return reply(res, 404, {{"error", "no motion file inside the dataset"}});
    joints = joints.contiguous();
    // Metres to 0.1 mm: a quarter of the JSON, nothing visible lost.
    const auto metres = [](float x) { return std::round(static_cast<double>(x) * 1e4) / 1e4; };
    json frames = json::array();
    auto a = joints.accessor<float, 3>();
    for (int64_t t = 0; t < joints.size(0); ++t) {
      json frame = json::array();
      for (int64_t j = 0; j < joints.size(1); ++j)
        frame.push_back({metres(a[t][j][0]), metres(a[t][j][1]), metres(a[t][j][2])});
      frames.push_back(frame);
    }
    reply(res, 200,
          {{"id", id},
           {"fps", first.index().layout().fps},
           {"captions", first.captions(id)},
           {"joints", frames}});
  });
  // Only GETs with a sane Content-Length (cpp-httplib itself accepts a negative one), and on a
  // loopback address only requests for a loopback host name: a web page that rebinds its own
  // domain to 127.0.0.1 (DNS rebinding) cannot read the API.
  const bool loopback = host == "127.0.0.1" || host == "localhost" || host == "::1";
  server.set_pre_routing_handler([loopback](const httplib::Request& req, httplib::Response& res) {
    if (loopback) {
      std::string name = req.get_header_value("Host");
      if (name.rfind('[', 0) == 0)
        name = name.substr(0, name.find(']') + 1);
      else
        name = name.substr(0, name.find(':'));
      if (name != "127.0.0.1" && name != "localhost" && name != "[::1]") {
        reply(res, 403,
              {{"error", "this server answers requests for 127.0.0.1 or localhost only"}});
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    if (req.method != "GET" && req.method != "HEAD") {
      reply(res, 405, {{"error", "only GET is served"}});
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.has_header("Content-Length")) {
      const std::string length = req.get_header_value("Content-Length");
      if (length.empty() || length.find_first_not_of("0123456789") != std::string::npos) {
        bad_request(res, "malformed Content-Length");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) res.set_content("not found\n", "text/plain");
  });
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
        std::string why = "internal error";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          why = error_text(e);
        } catch (...) {
        }
        reply(res, 500, {{"error", why}});
      });
  if (port == 0) {
    port = server.bind_to_any_port(host.c_str());
    MOTLAB_CHECK(port > 0, "motlab serve: cannot listen on ", host, " (no free port)");
  } else {
    MOTLAB_CHECK(server.bind_to_port(host.c_str(), port), "motlab serve: cannot listen on ", host,
                 ":", port, " (in use? choose another --port)");
  }
  std::cout << "motlab serve: http://" << host << ":" << port << "/ (" << runs.size() << " run(s), "
            << first.index().motions().size() << " motions; Ctrl-C stops)" << std::endl;
  server.listen_after_bind();
  return 0;
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("serve", "a local web viewer: search a run (or two side by side) in the browser",
               motlab::cli::serve_command);
