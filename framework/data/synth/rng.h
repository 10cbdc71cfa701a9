// A small deterministic random generator (SplitMix64) with its own distributions, so a seed gives
// the same dataset bytes with every standard library.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace motlab::synth {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // Independent stream for (seed, stream id) pairs, e.g. one per motion.
  static Rng stream(uint64_t seed, uint64_t id) {
    Rng mixer(seed ^ (0x9E3779B97F4A7C15ULL * (id + 1)));
    return Rng(mixer.next());
  }
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  int range(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return uniform() < p; }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[next() % items.size()];
  }
  // Index drawn with the given (unnormalised) weights.
  size_t weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double r = uniform() * total;
    for (size_t k = 0; k < weights.size(); ++k) {
      if (r < weights[k]) return k;
      r -= weights[k];
    }
    return weights.size() - 1;
  }

 private:
  uint64_t state_;
};

}  // namespace motlab::synth
