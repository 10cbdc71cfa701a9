// English caption grammar (the source language of the dataset's captions). A clause template is
// "<3rd person>:<-ing form> rest of the phrase" with {placeholders} as in the Korean grammar.
#include <cctype>
#include <set>
#include <sstream>

#include "framework/core/error.h"
#include "framework/data/synth/captions.h"

namespace motlab::synth {
// In a namespace of its own: a unity build compiles this file together with others.
namespace {
namespace english_clauses {

struct Clause {
  std::string third, ing;  // "walks", "walking"
  std::string rest;        // "forward slowly"
};

const char* const kCounts[] = {"once",       "twice",     "three times", "four times",
                               "five times", "six times", "seven times", "eight times",
                               "nine times", "ten times"};

std::string by_side(Rng& rng, Side side, const std::vector<std::string>& left,
                    const std::vector<std::string>& right, const std::vector<std::string>& both) {
  const size_t k = rng.next() % left.size();
  const size_t kb = rng.next() % both.size();
  if (side == Side::kBoth) return both[kb];
  return side == Side::kLeft ? left[k] : right[k];
}

std::string expand(const std::string& name, const ActionParams& p, Rng& rng) {
  if (name == "speed") {
    const double mention = rng.uniform();
    const std::string slow =
        rng.pick(std::vector<std::string>{"slowly", "at a slow pace", "leisurely", "carefully"});
    const std::string fast =
        rng.pick(std::vector<std::string>{"quickly", "fast", "briskly", "in a hurry"});
    if (p.speed == Speed::kSlow) return mention < 0.75 ? slow : "";
    if (p.speed == Speed::kFast) return mention < 0.75 ? fast : "";
    return "";
  }
  if (name == "count") {
    const double mention = rng.uniform();
    if (p.reps <= 1) return mention < 0.25 ? "once" : "";
    if (mention > 0.7) return "";
    return p.reps > 10 ? "several times" : kCounts[p.reps - 1];
  }
  if (name == "size") {
    const double mention = rng.uniform();
    const std::string big = rng.pick(std::vector<std::string>{"hard", "forcefully", "with force"});
    const std::string small = rng.pick(std::vector<std::string>{"lightly", "gently", "a little"});
    if (p.amplitude > 1.1) return mention < 0.5 ? big : "";
    if (p.amplitude < 0.9) return mention < 0.5 ? small : "";
    return "";
  }
  if (name == "forward")
    return rng.pick(std::vector<std::string>{"forward", "forward", "straight ahead", "ahead", ""});
  if (name == "dir")
    return by_side(rng, p.direction == Direction::kLeft ? Side::kLeft : Side::kRight,
                   {"to the left", "to the left", "leftward"},
                   {"to the right", "to the right", "rightward"}, {""});
  if (name == "turn" || name == "turn?") {
    const bool say = name == "turn" || rng.chance(0.6);
    const size_t k = rng.next() % 2;
    const std::string w =
        p.angle > 0 ? (k ? "to the left" : "left") : (k ? "to the right" : "right");
    return say ? w : "";
  }
  if (name == "hand")
    return by_side(rng, p.side, {"the left hand", "the left arm", "their left hand"},
                   {"the right hand", "the right arm", "their right hand"},
                   {"both hands", "both arms", "two hands"});
  if (name == "with_hand")
    return by_side(rng, p.side, {"with the left hand", "with the left arm", "with their left hand"},
                   {"with the right hand", "with the right arm", "with their right hand"},
                   {"with both hands", "with alternating hands", "with both arms"});
  if (name == "leg")
    return by_side(rng, p.side, {"the left leg", "the left foot"},
                   {"the right leg", "the right foot"}, {"both legs", "both feet"});
  if (name == "on_leg")
    return by_side(rng, p.side, {"on the left leg", "on the left foot"},
                   {"on the right leg", "on the right foot"}, {"on both feet", "on both feet"});
  if (name == "knee")
    return by_side(rng, p.side, {"the left knee", "the left knee"},
                   {"the right knee", "the right knee"}, {"both knees", "both knees"});
  MOTLAB_FAIL("english caption grammar: unknown placeholder {", name, "}");
}

std::vector<std::string> templates(const Action& a) {
  const ActionParams& p = a.params;
  const std::string& k = a.spec->key;
  if (k == "walk") {
    if (p.variant == 2)
      return {"walks:walking in a circle {speed}", "walks:walking around in a circle",
              "circles:circling around {turn?} while walking"};
    if (p.variant == 1)
      return {"walks:walking {speed} and curves {turn}", "walks:walking in a curve {turn}",
              "veers:veering {turn} while walking"};
    return {"walks:walking {forward} {speed}", "walks:walking {speed}",
            "moves:moving {forward} {speed} on foot", "takes:taking a few steps {forward}",
            "strolls:strolling {forward}"};
  }
  if (k == "run")
    return {"runs:running {forward} {speed}", "sprints:sprinting {forward}", "runs:running {turn?}",
            "dashes:dashing {forward}"};
  if (k == "jog")
    return {p.variant == 1 ? "jogs:jogging in place" : "jogs:jogging {forward}",
            "jogs:jogging {speed}", "runs:running lightly {forward}"};
  if (k == "walk_backwards")
    return {"walks:walking backwards {speed}", "steps:stepping backwards",
            "moves:moving backward {speed}", "backs:backing up {speed}"};
  if (k == "sidestep")
    return {"sidesteps:sidestepping {dir} {speed}", "shuffles:shuffling sideways {dir}",
            "steps:stepping sideways {dir} {count}", "moves:moving {dir} sideways"};
  if (k == "turn")
    return {"turns:turning {turn} {speed}", "turns:turning {turn}", "rotates:rotating {turn}",
            "pivots:pivoting {turn}"};
  if (k == "turn_around")
    return {"turns:turning around {speed}", "turns:turning around {turn?}",
            "turns:turning to face the other way", "spins:spinning around 180 degrees"};
  if (k == "spin")
    return {"spins:spinning around {turn?}", "turns:turning a full circle",
            p.reps > 1 ? "spins:spinning around twice" : "does:doing a full turn {turn?}"};
  if (k == "jump") {
    if (p.variant == 1)
      return {"jumps:jumping forward {count}", "leaps:leaping forward {count}",
              "hops:hopping forward {count}"};
    if (p.variant == 2)
      return {"jumps:jumping high", "jumps:jumping up high {size}", "leaps:leaping upward"};
    return {"jumps:jumping in place {count}", "jumps:jumping up and down {count}",
            "jumps:jumping {count}"};
  }
  if (k == "hop")
    return {"hops:hopping {on_leg} {count}", "hops:hopping on one foot {count}",
            "jumps:jumping {on_leg}"};
  if (k == "jumping_jacks")
    return {"does:doing jumping jacks {count}", "does:doing {speed} jumping jacks",
            "performs:performing jumping jacks"};
  if (k == "squat")
    return {"squats:squatting {count}", "squats:squatting down and standing back up {count}",
            "does:doing squats {speed}", "bends:bending the knees into a squat {count}"};
  if (k == "sit_down")
    return {"sits:sitting down {speed}", "sits:sitting down on a chair",
            "takes:taking a seat {speed}"};
  if (k == "stand_up")
    return {"stands:standing up {speed}", "gets:getting up from a chair",
            "rises:rising to their feet"};
  if (k == "kneel")
    return {p.variant == 1 ? "kneels:kneeling on both knees and gets up"
                           : "kneels:kneeling down on {knee} and gets back up",
            "kneels:kneeling briefly", "goes:going down on one knee"};
  if (k == "lunge")
    return {"lunges:lunging forward with {leg} {count}", "does:doing lunges {count}",
            "steps:stepping forward into a lunge"};
  if (k == "balance")
    return {"balances:balancing {on_leg}", "stands:standing {on_leg} with arms out",
            "balances:balancing on one leg"};
  if (k == "march")
    return {p.variant == 0 ? "marches:marching in place" : "marches:marching {forward}",
            "marches:marching with high knees", "marches:marching like a soldier"};
  if (k == "step") {
    if (p.direction == Direction::kForward)
      return {"takes:taking a step forward", "steps:stepping forward {count}"};
    if (p.direction == Direction::kBackward)
      return {"takes:taking a step back", "steps:stepping back {count}"};
    return {"takes:taking a step {dir}", "steps:stepping {dir}"};
  }
  if (k == "stumble")
    return {"stumbles:stumbling while walking", "trips:tripping and nearly falls while walking",
            "walks:walking and stumbles forward"};
  if (k == "crawl")
    return {"crawls:crawling {forward} on hands and knees", "crawls:crawling {speed}",
            "gets:getting down and crawls {forward}"};
  if (k == "bow")
    return {"bows:bowing {count}", "bows:bowing {size}",
            "bends:bending forward at the waist {count}"};
  if (k == "wave") {
    if (p.variant == 1)
      return {"waves:waving {hand} above the head", "waves:waving {hand} high in the air"};
    return {"waves:waving {with_hand}", "waves:waving {hand} {count}",
            "raises:raising {hand} and waves"};
  }
  if (k == "clap") {
    if (p.variant == 1)
      return {"claps:clapping above the head {count}", "claps:clapping hands overhead"};
    return {"claps:clapping {count}", "claps:clapping hands {speed}",
            "claps:clapping their hands {count}"};
  }
  if (k == "punch")
    return {"punches:punching {with_hand} {count}", "throws:throwing punches {with_hand}",
            "punches:punching the air {count}"};
  if (k == "kick") {
    if (p.variant == 1)
      return {"kicks:kicking sideways with {leg}", "does:doing a side kick with {leg}"};
    return {"kicks:kicking {count} with {leg}", "kicks:kicking forward with {leg}",
            "kicks:kicking {size}"};
  }
  if (k == "raise_arms") {
    if (p.variant == 1) return {"raises:raising {hand} forward", "lifts:lifting {hand} in front"};
    if (p.variant == 2)
      return {"raises:raising {hand} to the side", "spreads:spreading {hand} out to the side"};
    return {"raises:raising {hand} over the head", "lifts:lifting {hand} up",
            "raises:raising {hand} and lowers them"};
  }
  if (k == "stretch") {
    if (p.variant == 0)
      return {"stretches:stretching up on tiptoes", "reaches:reaching up and stands on tiptoes"};
    if (p.variant == 1)
      return {"stretches:stretching to the sides",
              "stretches:stretching with arms up, bending side to side"};
    return {"stretches:stretching with a twist",
            "stretches:stretching the arms overhead and twists"};
  }
  if (k == "pick_up")
    return {"picks:picking something up {speed}", "bends:bending down to pick up an object",
            "picks:picking up something from the floor {with_hand}"};
  if (k == "throw") {
    if (p.variant == 1)
      return {"throws:throwing something underhand {with_hand}", "tosses:tossing a ball underhand"};
    return {"throws:throwing a ball {with_hand}", "throws:throwing something {size}",
            "throws:throwing {with_hand} {count}"};
  }
  if (k == "arm_circles")
    return {p.variant == 0 ? "circles:circling {hand} forward" : "circles:circling {hand} backward",
            "rotates:rotating {hand} in circles {count}"};
  if (k == "side_bend")
    return {"leans:leaning {dir}", "bends:bending the upper body {dir}",
            "stretches:stretching {dir}"};
  if (k == "look_around")
    return {"looks:looking around", "looks:looking left and right", "glances:glancing around"};
  if (k == "dance")
    return {"dances:dancing {speed}", "dances:dancing around", "sways:swaying to music"};
  if (k == "push")
    return {"pushes:pushing something {count}", "pushes:pushing forward with both hands",
            "shoves:shoving something away {size}"};
  if (k == "drink")
    return {"drinks:drinking {with_hand}", "drinks:drinking from a cup {with_hand}",
            "takes:taking a drink {count}"};
  if (k == "swing") {
    if (p.variant == 1) return {"swings:swinging a golf club", "makes:making a golf swing {count}"};
    return {"swings:swinging a bat {size}", "swings:swinging a baseball bat {count}"};
  }
  if (k == "shrug") return {"shrugs:shrugging {count}", "shrugs:shrugging the shoulders"};
  MOTLAB_FAIL("english caption grammar: no templates for action '", k, "'");
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

Clause make_clause(const Action& a, Rng& rng) {
  const auto options = templates(a);
  const std::string chosen = options[rng.next() % options.size()];
  std::vector<std::string> words = split_words(chosen);
  Clause clause;
  const size_t colon = words[0].find(':');
  clause.third = words[0].substr(0, colon);
  clause.ing = words[0].substr(colon + 1);
  for (size_t i = 1; i < words.size(); ++i) {
    std::string w = words[i];
    if (w.front() == '{') w = expand(w.substr(1, w.size() - 2), a.params, rng);
    if (w.empty()) continue;
    clause.rest += (clause.rest.empty() ? "" : " ") + w;
  }
  return clause;
}

std::string join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + " " + b;
}

std::string tag_of(const std::string& w, const std::set<std::string>& verbs) {
  static const std::set<std::string> det{"a", "an", "the", "their"};
  static const std::set<std::string> adp{"in", "on", "to",   "with",  "from",
                                         "at", "of", "into", "above", "over"};
  static const std::set<std::string> conj{"and", "then", "before", "after", "while", "finally"};
  if (verbs.count(w)) return "VERB";
  if (det.count(w)) return "DET";
  if (adp.count(w)) return "ADP";
  if (conj.count(w)) return "CCONJ";
  if (w.size() > 2 && w.compare(w.size() - 2, 2, "ly") == 0) return "ADV";
  return "X";
}

}  // namespace english_clauses
}  // namespace

Caption caption_en(const std::vector<Action>& actions, Rng& rng) {
  using namespace english_clauses;
  MOTLAB_CHECK(!actions.empty(), "caption_en: no actions");
  std::vector<Clause> clauses;
  std::set<std::string> verbs;
  for (const auto& a : actions) {
    clauses.push_back(make_clause(a, rng));
    verbs.insert(clauses.back().third);
    verbs.insert(clauses.back().ing);
  }
  static const std::vector<std::string> subjects{"a person", "someone",    "a man",
                                                 "a woman",  "the person", "a figure",
                                                 "a human",  "the man",    "the woman"};
  const std::string subject = rng.pick(subjects);
  std::string text = subject;
  const size_t n = clauses.size();
  const double style = rng.uniform();
  if (n == 2 && style < 0.15) {
    text = join(text, join(join(clauses[0].third, clauses[0].rest),
                           join("before", join(clauses[1].ing, clauses[1].rest))));
  } else if (n == 2 && style < 0.25) {
    text = join(text, join(join(clauses[1].third, clauses[1].rest),
                           join("after", join(clauses[0].ing, clauses[0].rest))));
  } else {
    for (size_t i = 0; i < n; ++i) {
      std::string joiner;
      if (i > 0) {
        static const std::vector<std::string> joiners{", then",     "and then", "and",
                                                      ", and then", "then",     ", after that"};
        joiner = (i + 1 == n && n >= 3 && rng.chance(0.4)) ? ", and finally" : rng.pick(joiners);
      }
      std::string phrase = join(clauses[i].third, clauses[i].rest);
      if (!joiner.empty()) {
        if (joiner[0] == ',')
          text += joiner;
        else
          text = join(text, joiner);
      }
      text = join(text, phrase);
    }
  }
  if (rng.chance(0.8)) text += ".";
  Caption caption;
  caption.text = text;
  std::string cleaned;
  for (char c : text) cleaned += (c == ',' || c == '.') ? ' ' : c;
  bool first = true;
  for (const auto& w : split_words(cleaned)) {
    bool alpha = true;
    for (char c : w) alpha = alpha && std::isalpha(static_cast<unsigned char>(c));
    if (!alpha) continue;  // HumanML3D's tagged field drops non-alphabetic tokens
    caption.tokens += (first ? "" : " ") + w + "/" + tag_of(w, verbs);
    first = false;
  }
  return caption;
}

}  // namespace motlab::synth
