// Caption grammars of the procedural dataset: Korean (the dataset language) and English (the
// source a translator would start from). Each call draws one caption for a sequence of actions,
// with paraphrase variety (verbs, nouns, particles, adverbs of manner/speed/direction, word
// order, subject choice, connectives). Drawing with the same Rng state for the mirrored actions
// gives the same wording with left and right swapped, as HumanML3D's mirrored captions.
#pragma once
#include <string>
#include <vector>

#include "framework/data/synth/actions.h"
#include "framework/data/synth/rng.h"

namespace motlab::synth {

struct Caption {
  std::string text;    // e.g. "사람이 천천히 앞으로 걸어간다."
  std::string tokens;  // "word/TAG ..." (HumanML3D's tagged field; tags: VERB ADV NUM CCONJ X ...)
};

Caption caption_ko(const std::vector<Action>& actions, Rng& rng);
Caption caption_en(const std::vector<Action>& actions, Rng& rng);

// Hangul conjugation of a verb stem (exposed for tests): "걷" -> 걷는다 / 걷고 / 걸은.
namespace korean {
std::string declarative(const std::string& stem);    // -(는)ㄴ다
std::string past_adnominal(const std::string& stem);  // -(으)ㄴ
std::string with_object_particle(const std::string& noun);  // 을/를
}  // namespace korean

}  // namespace motlab::synth
