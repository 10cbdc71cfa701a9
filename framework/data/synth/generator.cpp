#include "framework/data/synth/generator.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/data/features.h"
#include "framework/data/joints_to_features.h"
#include "framework/data/npy.h"
#include "framework/data/synth/captions.h"
#include "framework/io/atomic_file.h"

namespace motlab::synth {
namespace fs = std::filesystem;
using geometry::Vec3;

namespace {

constexpr double kFps = 20.0;
constexpr double kTransition = 0.5;  // seconds of pose blending around each action boundary

double smoothstep(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3 - 2 * x);
}

std::string motion_id(int64_t index) {
  char buffer[24];  // any int64 fits
  std::snprintf(buffer, sizeof(buffer), "%06lld", static_cast<long long>(index));
  return buffer;
}

// Streams of the per-seed random state (independent of thread scheduling).
enum Stream : uint64_t { kMotionStream = 1, kCaptionKo = 2, kCaptionEn = 3, kSplitStream = 4 };
Rng stream(uint64_t seed, Stream which, uint64_t index) {
  return Rng::stream(seed * 0x100000001B3ULL + which, index);
}

const ActionSpec* sample_action(Rng& rng, Posture posture, const std::string& previous,
                                bool first) {
  std::vector<const ActionSpec*> candidates;
  std::vector<double> weights;
  for (const auto& spec : actions()) {
    if (spec.key == previous) continue;
    if (posture == Posture::kSitting ? spec.start != Posture::kSitting
                                     : (spec.start == Posture::kSitting && !first))
      continue;
    candidates.push_back(&spec);
    weights.push_back(spec.start == Posture::kSitting && first ? 0.4 : spec.weight);
  }
  return candidates[rng.weighted(weights)];
}

}  // namespace

std::string SynthSettings::to_json() const {
  nlohmann::ordered_json j;
  j["generator"] = kGeneratorVersion;
  j["motions"] = motions;
  j["seed"] = seed;
  j["mirror"] = mirror;
  j["languages"] = languages;
  j["min_frames"] = min_frames;
  j["max_frames"] = max_frames;
  j["train_share"] = train_share;
  j["val_share"] = val_share;
  j["std_mode"] = std_mode;
  return j.dump(2);
}

const SettingsSchema<SynthSettings>& synth_settings() {
  using S = SynthSettings;
  static const auto schema =
      SettingsSchema<S>()
          .option("motions", &S::motions, "original motions (mirrored M<id> copies double them)",
                  above(0))
          .option("seed", &S::seed, "generator seed", at_least(0))
          .option("mirror", &S::mirror, "add HumanML3D's left-right mirrored copies")
          .option("languages", &S::languages, "caption languages: ko -> texts_ko/, en -> texts/")
          .option("min_frames", &S::min_frames, "shortest motion in feature frames")
          .option("max_frames", &S::max_frames, "longest motion in feature frames")
          .option("train_share", &S::train_share, "share of motions in the train split")
          .option("val_share", &S::val_share, "share in val (test gets the rest)")
          .choice("std_mode", &S::std_mode, {"group", "per_dim"},
                  "group: HumanML3D's grouped Std.npy | per_dim: TMR's raw std")
          .option("threads", &S::threads, "generator threads, 0 = all (files do not depend on it)",
                  at_least(0));
  return schema;
}

torch::Tensor animate_sequence(const std::vector<Action>& sequence, double lead_in, double lead_out,
                               double fps, std::vector<double>* starts_out) {
  MOTLAB_CHECK(!sequence.empty(), "animate_sequence: no actions");
  std::vector<double> starts;
  double t = lead_in;
  for (const auto& a : sequence) {
    starts.push_back(t);
    t += a.params.duration;
  }
  const double total = t + lead_out;
  const int64_t frames = static_cast<int64_t>(std::lround(total * fps)) + 1;
  auto pose_of = [&](size_t i, double time) {
    Pose pose = Pose::neutral();
    const auto& a = sequence[i];
    a.spec->animate(a.params, std::clamp(time - starts[i], 0.0, a.params.duration), pose);
    return pose;
  };
  torch::Tensor joints = torch::empty({frames, kJoints, 3}, torch::kFloat64);
  auto out = joints.accessor<double, 3>();
  Vec3 root{0, 0, 0};
  double heading = 0;
  for (int64_t f = 0; f < frames; ++f) {
    const double time = f / fps;
    size_t i = 0;
    while (i + 1 < sequence.size() && time >= starts[i + 1]) ++i;
    Pose pose = pose_of(i, time);
    // Blend with the neighbour across the nearest boundary (previous or next action).
    if (i + 1 < sequence.size() && time > starts[i + 1] - kTransition / 2) {
      const double w = smoothstep((time - (starts[i + 1] - kTransition / 2)) / kTransition);
      pose = Pose::blend(pose, pose_of(i + 1, time), w);
    } else if (i > 0 && time < starts[i] + kTransition / 2) {
      const double w = smoothstep((time - (starts[i] - kTransition / 2)) / kTransition);
      pose = Pose::blend(pose_of(i - 1, time), pose, w);
    }
    if (f > 0) {
      const double dt = 1.0 / fps;
      heading += pose[kYawRate] * dt;
      const Vec3 forward{std::sin(heading), 0, std::cos(heading)};
      const Vec3 left{std::cos(heading), 0, -std::sin(heading)};
      root += forward * (pose[kSpeedForward] * dt) + left * (pose[kSpeedLeft] * dt);
    }
    Joints body = forward_kinematics(pose, Vec3{root.x, 0, root.z}, heading);
    double lowest = body[0].y;
    for (const auto& j : body) lowest = std::min(lowest, j.y);
    const double lift = std::max(0.0, pose[kLift]);
    for (int j = 0; j < kJoints; ++j) {
      out[f][j][0] = body[j].x;
      out[f][j][1] = body[j].y - lowest + lift;
      out[f][j][2] = body[j].z;
    }
  }
  if (starts_out) *starts_out = starts;
  return joints;
}

SynthMotion make_motion(uint64_t seed, int64_t index, const SynthSettings& options) {
  Rng rng = stream(seed, kMotionStream, static_cast<uint64_t>(index));
  const int count = 1 + static_cast<int>(rng.weighted({0.3, 0.32, 0.23, 0.15}));
  SynthMotion motion;
  Posture posture = Posture::kStanding;
  std::string previous;
  for (int k = 0; k < count; ++k) {
    Action a;
    a.spec = sample_action(rng, posture, previous, k == 0);
    a.spec->sample(rng, a.params);
    posture = a.spec->end;
    previous = a.spec->key;
    motion.actions.push_back(a);
  }
  motion.lead_in = rng.uniform(0.0, 0.5);
  double lead_out = rng.uniform(0.0, 0.5);
  const double max_seconds = options.max_frames / kFps;
  const double min_seconds = options.min_frames / kFps;
  auto total = [&] {
    double s = motion.lead_in + lead_out;
    for (const auto& a : motion.actions) s += a.params.duration;
    return s;
  };
  // Too long: drop trailing actions (a sitting motion may end seated), then shorten the last one.
  while (total() > max_seconds - 1e-9 && motion.actions.size() > 1) motion.actions.pop_back();
  if (total() > max_seconds - 1e-9)
    motion.actions.back().params.duration -= total() - max_seconds + 1e-6;
  // Too short: stand still longer before and after.
  if (total() < min_seconds) {
    const double missing = min_seconds - total() + 1e-6;
    motion.lead_in += missing / 2;
    lead_out += missing / 2;
  }
  motion.joints =
      animate_sequence(motion.actions, motion.lead_in, lead_out, kFps, &motion.action_starts);
  return motion;
}

namespace {

struct MotionStats {
  std::vector<double> sum, sum_squares;
  int64_t frames = 0;
  int64_t captions = 0;
};

std::string caption_file(const std::vector<Caption>& captions) {
  std::string out;
  for (const auto& c : captions) out += c.text + "#" + c.tokens + "#0.0#0.0\n";
  return out;
}

// 2 to 4 distinct captions of one action sequence; the same draws for its mirror.
std::vector<Caption> draw_captions(const std::vector<Action>& sequence, int count, uint64_t seed,
                                   Stream language, int64_t index) {
  Rng rng = stream(seed, language, static_cast<uint64_t>(index));
  std::vector<Caption> out;
  std::set<std::string> seen;
  for (int c = 0; c < count; ++c) {
    Caption caption;
    for (int attempt = 0; attempt < 6; ++attempt) {
      caption = language == kCaptionKo ? caption_ko(sequence, rng) : caption_en(sequence, rng);
      if (!seen.count(caption.text)) break;
    }
    seen.insert(caption.text);
    out.push_back(caption);
  }
  return out;
}

void write_motion(const std::string& root, const std::string& id, const torch::Tensor& raw_joints,
                  const std::vector<Action>& sequence, int captions, uint64_t seed, int64_t index,
                  const SynthSettings& options, MotionStats* stats) {
  torch::Tensor features = features::joints_to_features(raw_joints);
  torch::Tensor joints = features::recover_from_ric(features);
  npy::save(root + "/new_joint_vecs/" + id + ".npy", features);
  npy::save(root + "/new_joints/" + id + ".npy", joints);
  for (const auto& language : options.languages) {
    const bool korean = language == "ko";
    const auto drawn =
        draw_captions(sequence, captions, seed, korean ? kCaptionKo : kCaptionEn, index);
    write_file_atomic(root + (korean ? "/texts_ko/" : "/texts/") + id + ".txt",
                      caption_file(drawn));
    stats->captions += static_cast<int64_t>(drawn.size());
  }
  torch::Tensor f64 = features.to(torch::kFloat64);
  torch::Tensor sum = f64.sum(0), squares = (f64 * f64).sum(0);
  stats->sum.assign(sum.data_ptr<double>(), sum.data_ptr<double>() + 263);
  stats->sum_squares.assign(squares.data_ptr<double>(), squares.data_ptr<double>() + 263);
  stats->frames = features.size(0);
}

void write_split(const std::string& path, std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  std::string text;
  for (const auto& id : ids) text += id + "\n";
  write_file_atomic(path, text);
}

}  // namespace

SynthReport generate_synth_dataset(const std::string& dir, const SynthSettings& options,
                                   bool overwrite) {
  MOTLAB_CHECK(options.motions >= 1, "data synth: motions must be >= 1, got ", options.motions);
  MOTLAB_CHECK(options.min_frames >= 2 && options.max_frames >= options.min_frames + 20,
               "data synth: need 2 <= min_frames and max_frames >= min_frames + 20 (got ",
               options.min_frames, ", ", options.max_frames, ")");
  MOTLAB_CHECK(options.train_share > 0 && options.val_share >= 0 &&
                   options.train_share + options.val_share < 1,
               "data synth: train_share + val_share must leave a test share");
  MOTLAB_CHECK(options.std_mode == "group" || options.std_mode == "per_dim",
               "data synth: std_mode must be 'group' or 'per_dim', got '", options.std_mode, "'");
  MOTLAB_CHECK(!options.languages.empty(), "data synth: no caption language");
  for (const auto& l : options.languages)
    MOTLAB_CHECK(l == "ko" || l == "en", "data synth: unknown language '", l, "' (known: ko, en)");
  if (fs::exists(dir) && !fs::is_empty(dir)) {
    MOTLAB_CHECK(overwrite, "data synth: ", dir,
                 " exists and is not empty (choose another --out or --force)");
    fs::remove_all(dir);
  }
  const auto begin = std::chrono::steady_clock::now();
  const std::string partial = dir + ".partial";
  fs::remove_all(partial);
  for (const char* sub : {"new_joint_vecs", "new_joints"}) make_dirs(partial + "/" + sub);
  for (const auto& l : options.languages) make_dirs(partial + (l == "ko" ? "/texts_ko" : "/texts"));

  // Splits over originals; a mirror follows its original.
  const int64_t n = options.motions;
  std::vector<int64_t> order(n);
  for (int64_t i = 0; i < n; ++i) order[i] = i;
  Rng split_rng = stream(options.seed, kSplitStream, 0);
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[i], order[split_rng.next() % (i + 1)]);
  const int64_t n_train = std::max<int64_t>(1, std::llround(n * options.train_share));
  const int64_t n_val = std::llround(n * options.val_share);
  std::vector<int> split_of(n);  // 0 train, 1 val, 2 test
  for (int64_t k = 0; k < n; ++k)
    split_of[order[k]] = k < n_train ? 0 : k < n_train + n_val ? 1 : 2;

  const int copies = options.mirror ? 2 : 1;
  std::vector<MotionStats> stats(n * copies);
  std::atomic<int64_t> next{0};
  std::mutex error_mutex;
  std::string error;
  auto worker = [&] {
    for (int64_t i = next++; i < n; i = next++) {
      try {
        SynthMotion motion = make_motion(options.seed, i, options);
        Rng count_rng =
            stream(options.seed, kMotionStream, static_cast<uint64_t>(i) + (1ULL << 40));
        const int captions = 2 + static_cast<int>(count_rng.weighted({0.2, 0.5, 0.3}));
        write_motion(partial, motion_id(i), motion.joints, motion.actions, captions, options.seed,
                     i, options, &stats[i * copies]);
        if (options.mirror) {
          std::vector<Action> mirrored_actions;
          for (const auto& a : motion.actions) mirrored_actions.push_back(mirrored(a));
          write_motion(partial, "M" + motion_id(i), features::mirror_joints(motion.joints),
                       mirrored_actions, captions, options.seed, i, options,
                       &stats[i * copies + 1]);
        }
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (error.empty()) error = "motion " + motion_id(i) + ": " + error_text(e);
        next = n;
      }
    }
  };
  int threads = options.threads > 0 ? static_cast<int>(options.threads)
                                    : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 16);
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (!error.empty()) {
    fs::remove_all(partial);
    MOTLAB_FAIL("data synth: ", error);
  }

  // Splits and statistics (train only, mirrors included; summed in id order: deterministic).
  std::vector<std::string> ids[3];
  std::vector<double> sum(263, 0.0), sum_squares(263, 0.0);
  int64_t train_frames = 0;
  SynthReport report;
  for (int64_t i = 0; i < n; ++i)
    for (int c = 0; c < copies; ++c) {
      const MotionStats& s = stats[i * copies + c];
      ids[split_of[i]].push_back((c ? "M" : "") + motion_id(i));
      report.frames += s.frames;
      report.captions += s.captions;
      if (split_of[i] != 0) continue;
      for (int d = 0; d < 263; ++d) {
        sum[d] += s.sum[d];
        sum_squares[d] += s.sum_squares[d];
      }
      train_frames += s.frames;
    }
  torch::Tensor mean = torch::empty({263}, torch::kFloat64),
                std = torch::empty({263}, torch::kFloat64);
  for (int d = 0; d < 263; ++d) {
    const double m = sum[d] / train_frames;
    mean[d] = m;
    std[d] = std::sqrt(std::max(0.0, sum_squares[d] / train_frames - m * m));
  }
  if (options.std_mode == "group") {
    const int64_t bounds[] = {0, 1, 3, 4, 67, 193, 259, 263};
    for (int g = 0; g + 1 < 8; ++g) {
      torch::Tensor part = std.slice(0, bounds[g], bounds[g + 1]);
      part.fill_(part.mean().item<double>());
    }
  }
  npy::save(partial + "/Mean.npy", mean.to(torch::kFloat32));
  npy::save(partial + "/Std.npy", std.to(torch::kFloat32));
  write_split(partial + "/train.txt", ids[0]);
  write_split(partial + "/val.txt", ids[1]);
  write_split(partial + "/test.txt", ids[2]);
  std::vector<std::string> train_val = ids[0];
  train_val.insert(train_val.end(), ids[1].begin(), ids[1].end());
  write_split(partial + "/train_val.txt", train_val);
  std::vector<std::string> all = train_val;
  all.insert(all.end(), ids[2].begin(), ids[2].end());
  write_split(partial + "/all.txt", all);
  write_file_atomic(partial + "/synth_info.json", options.to_json() + "\n");

  fs::rename(partial, dir);
  report.motions = n * copies;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return report;
}

namespace {
// An exclusive lock on "<dir>.lock" for the lifetime of the object: parallel sweep jobs that all
// need the dataset generate it once; the others wait and then reuse it.
class DirectoryLock {
 public:
  explicit DirectoryLock(const std::string& dir) {
    const fs::path parent = fs::path(dir).parent_path();
    if (!parent.empty()) make_dirs(parent.string());
    const std::string path = dir + ".lock";
    fd_ = ::open(path.c_str(), O_CREAT | O_RDWR, 0644);
    MOTLAB_CHECK(fd_ >= 0, "cannot create the lock file ", path);
    MOTLAB_CHECK(::flock(fd_, LOCK_EX) == 0, "cannot lock ", path);
  }
  ~DirectoryLock() {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};
}  // namespace

bool ensure_synth_dataset(const std::string& dir, const SynthSettings& options) {
  DirectoryLock lock(dir);
  const std::string info = dir + "/synth_info.json";
  if (file_exists(info)) {
    const std::string existing = read_file(info);
    MOTLAB_CHECK(existing == options.to_json() + "\n", "synthetic dataset ", dir,
                 " was generated with other options (", info,
                 "); delete it or point the data path elsewhere");
    return false;
  }
  MOTLAB_CHECK(!fs::exists(dir) || fs::is_empty(dir), "data path ", dir,
               " exists but holds no synthetic dataset (no synth_info.json)");
  MOTLAB_LOG(Info, "data") << "generating the built-in synthetic dataset in " << dir;
  const SynthReport report = generate_synth_dataset(dir, options);
  MOTLAB_LOG(Info, "data") << report.motions << " motions, " << report.captions << " captions in "
                           << report.seconds << " s";
  return true;
}

}  // namespace motlab::synth
