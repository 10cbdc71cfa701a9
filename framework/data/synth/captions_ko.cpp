// Korean caption grammar. Clause templates are space-separated eojeol whose last one is a verb
// stem; {placeholders} expand from the action's parameters (side, direction, speed, count, size)
// or to nothing. Stems are conjugated with Hangul arithmetic (batchim rules; a few irregular
// stems listed).
#include <map>
#include <sstream>

#include "framework/core/error.h"
#include "framework/data/synth/captions.h"

namespace motlab::synth {
namespace korean {
namespace {

constexpr char32_t kHangulFirst = 0xAC00, kHangulLast = 0xD7A3;
constexpr int kFinalNieun = 4, kFinalRieul = 8;

// Splits off the last UTF-8 code point.
std::pair<std::string, char32_t> split_last(const std::string& s) {
  MOTLAB_CHECK(!s.empty(), "korean: empty verb stem");
  size_t start = s.size() - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  const auto* b = reinterpret_cast<const unsigned char*>(s.data() + start);
  char32_t c = 0;
  if (b[0] < 0x80)
    c = b[0];
  else if ((b[0] & 0xE0) == 0xC0)
    c = ((b[0] & 0x1F) << 6) | (b[1] & 0x3F);
  else if ((b[0] & 0xF0) == 0xE0)
    c = ((b[0] & 0x0F) << 12) | ((b[1] & 0x3F) << 6) | (b[2] & 0x3F);
  else
    c = ((b[0] & 0x07) << 18) | ((b[1] & 0x3F) << 12) | ((b[2] & 0x3F) << 6) | (b[3] & 0x3F);
  return {s.substr(0, start), c};
}
std::string encode(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}
bool is_hangul(char32_t c) { return c >= kHangulFirst && c <= kHangulLast; }
int final_of(char32_t c) { return static_cast<int>((c - kHangulFirst) % 28); }

// Attaches ㄴ to the last syllable (replacing a final ㄹ), or returns "" when it has another final.
std::string with_nieun(const std::string& stem) {
  auto [head, last] = split_last(stem);
  MOTLAB_CHECK(is_hangul(last), "korean: stem '", stem, "' does not end in Hangul");
  const int final = final_of(last);
  if (final == 0) return head + encode(last + kFinalNieun);
  if (final == kFinalRieul) return head + encode(last - kFinalRieul + kFinalNieun);
  return "";
}

const std::map<std::string, std::string>& irregular_adnominal() {
  static const std::map<std::string, std::string> table{
      {"걷", "걸은"}, {"줍", "주운"}, {"내딛", "내디딘"}, {"돕", "도운"}};
  return table;
}

}  // namespace

std::string declarative(const std::string& stem) {
  const std::string n = with_nieun(stem);
  return n.empty() ? stem + "는다" : n + "다";
}

std::string past_adnominal(const std::string& stem) {
  const auto& irregular = irregular_adnominal();
  // Irregular stems are matched on their last syllable(s): "걸어 나가" is regular, "걷" is not.
  for (const auto& [key, form] : irregular)
    if (stem.size() >= key.size() && stem.compare(stem.size() - key.size(), key.size(), key) == 0)
      return stem.substr(0, stem.size() - key.size()) + form;
  const std::string n = with_nieun(stem);
  return n.empty() ? stem + "은" : n;
}

std::string with_object_particle(const std::string& noun) {
  auto [head, last] = split_last(noun);
  return noun + (is_hangul(last) && final_of(last) != 0 ? "을" : "를");
}

}  // namespace korean

// In a namespace of its own: a unity build compiles this file together with others.
namespace {
namespace korean_clauses {

struct Word {
  std::string text, tag;
};
struct Clause {
  std::vector<Word> words;  // before the verb
  std::string stem;
};

const char* const kNumbers[] = {"한",   "두",   "세",   "네",   "다섯",
                                "여섯", "일곱", "여덟", "아홉", "열"};

// Chooses one of the side-specific alternatives; left and right lists have equal length so the
// mirrored caption draws the same alternative.
std::string by_side(Rng& rng, Side side, const std::vector<std::string>& left,
                    const std::vector<std::string>& right, const std::vector<std::string>& both) {
  const size_t k = rng.next() % left.size();
  const size_t kb = rng.next() % both.size();
  if (side == Side::kBoth) return both[kb];
  return side == Side::kLeft ? left[k] : right[k];
}
std::string by_turn(Rng& rng, double angle, const std::vector<std::string>& left,
                    const std::vector<std::string>& right) {
  const size_t k = rng.next() % left.size();
  return angle > 0 ? left[k] : right[k];
}

// Expands one placeholder; may return "" (omitted) or several words.
std::string expand(const std::string& name, const ActionParams& p, Rng& rng) {
  if (name == "speed") {
    const double mention = rng.uniform();
    const std::vector<std::string> slow{"천천히",   "느리게",      "느긋하게",
                                        "여유롭게", "느린 속도로", "조심스럽게"};
    const std::vector<std::string> fast{"빠르게",   "빨리",        "서둘러",
                                        "재빠르게", "빠른 속도로", "급하게"};
    const std::string slow_word = rng.pick(slow), fast_word = rng.pick(fast);
    if (p.speed == Speed::kSlow) return mention < 0.75 ? slow_word : "";
    if (p.speed == Speed::kFast) return mention < 0.75 ? fast_word : "";
    return mention < 0.1 ? "보통 속도로" : "";
  }
  if (name == "count") {
    const double mention = rng.uniform();
    const int form = rng.range(0, 5);
    if (p.reps <= 1) return mention < 0.25 ? "한 번" : "";
    if (mention > 0.7) return "";
    if (p.reps > 10) return "여러 번";
    const std::string n = kNumbers[p.reps - 1];
    if (form == 0 && p.reps >= 3) return "여러 번";
    if (form == 1) return n + " 차례";
    if (form == 2) return n + " 번 연속으로";
    return n + " 번";
  }
  if (name == "size") {
    const double mention = rng.uniform();
    const std::string big = rng.pick(std::vector<std::string>{"크게", "힘차게", "힘껏", "세게"});
    const std::string small =
        rng.pick(std::vector<std::string>{"살짝", "가볍게", "작게", "약하게"});
    if (p.amplitude > 1.1) return mention < 0.5 ? big : "";
    if (p.amplitude < 0.9) return mention < 0.5 ? small : "";
    return "";
  }
  if (name == "forward")
    return rng.pick(std::vector<std::string>{"앞으로", "앞으로", "앞쪽으로", "정면으로", "똑바로",
                                             "직진하며", ""});
  if (name == "dir")  // sideways direction
    return by_side(rng, p.direction == Direction::kLeft ? Side::kLeft : Side::kRight,
                   {"왼쪽으로", "왼편으로", "좌측으로", "왼쪽 방향으로"},
                   {"오른쪽으로", "오른편으로", "우측으로", "오른쪽 방향으로"}, {""});
  if (name == "turn")
    return by_turn(rng, p.angle, {"왼쪽으로", "왼편으로", "좌측으로", "왼쪽으로"},
                   {"오른쪽으로", "오른편으로", "우측으로", "오른쪽으로"});
  if (name == "turn?") {
    const bool say = rng.chance(0.6);
    const std::string w = by_turn(rng, p.angle, {"왼쪽으로", "왼편으로", "좌측으로"},
                                  {"오른쪽으로", "오른편으로", "우측으로"});
    return say ? w : "";
  }
  if (name == "hand_obj")
    return by_side(rng, p.side, {"왼손을", "왼팔을", "왼쪽 손을", "왼쪽 팔을"},
                   {"오른손을", "오른팔을", "오른쪽 손을", "오른쪽 팔을"},
                   {"양손을", "두 손을", "양팔을", "두 팔을"});
  if (name == "hand_with")
    return by_side(rng, p.side, {"왼손으로", "왼쪽 손으로", "왼팔로"},
                   {"오른손으로", "오른쪽 손으로", "오른팔로"},
                   {"양손으로", "두 손으로", "양손을 번갈아"});
  if (name == "leg_with")
    return by_side(rng, p.side, {"왼발로", "왼쪽 발로", "왼쪽 다리로", "왼다리로"},
                   {"오른발로", "오른쪽 발로", "오른쪽 다리로", "오른다리로"}, {"두 발로"});
  if (name == "leg_obj")
    return by_side(rng, p.side, {"왼발을", "왼쪽 다리를", "왼다리를"},
                   {"오른발을", "오른쪽 다리를", "오른다리를"}, {"두 다리를"});
  if (name == "other_leg_obj")
    return by_side(rng, p.side == Side::kLeft ? Side::kRight : Side::kLeft,
                   {"왼발을", "왼쪽 다리를", "왼다리를"},
                   {"오른발을", "오른쪽 다리를", "오른다리를"}, {""});
  if (name == "knee_obj")
    return by_side(rng, p.side, {"왼쪽 무릎을", "왼무릎을"}, {"오른쪽 무릎을", "오른무릎을"},
                   {"두 무릎을", "양 무릎을"});
  MOTLAB_FAIL("korean caption grammar: unknown placeholder {", name, "}");
}

// Templates per action; the last eojeol of a template is the verb stem. Variants that depend on
// a parameter are chosen in `templates`.
std::vector<std::string> templates(const Action& a) {
  const ActionParams& p = a.params;
  const std::string& k = a.spec->key;
  if (k == "walk") {
    if (p.variant == 2)
      return {"{speed} 원을 그리며 걷", "{turn} 크게 원을 그리며 걸어가",
              "{speed} 둥글게 한 바퀴 걸어가", "원을 그리듯 {turn} 돌며 걷",
              "{speed} 빙 돌아서 걸어가"};
    if (p.variant == 1)
      return {"{speed} {turn} 휘어지며 걸어가", "{turn} 곡선을 그리며 {speed} 걷",
              "앞으로 걷다가 {turn} 방향을 틀", "{speed} 걸으면서 {turn} 돌",
              "{turn} 돌아가며 걸어가"};
    return {"{speed} {forward} 걸어가", "{forward} {speed} 걷",      "{speed} {forward} 걸어 나가",
            "{speed} 걸음을 옮기",      "{forward} {speed} 걸어가",  "{speed} {forward} 나아가",
            "{speed} 몇 걸음 걷",       "{forward} 여러 걸음 걸어가"};
  }
  if (k == "run")
    return {"{speed} {forward} 달리", "{forward} {speed} 뛰어가", "{speed} {forward} 달려가",
            "{speed} 힘차게 달리",    "{forward} 전력으로 뛰",    "{speed} {turn?} 뛰어가"};
  if (k == "jog")
    return {"{forward} 조깅하",
            "{speed} 가볍게 뛰",
            "가볍게 {forward} 달리",
            "천천히 {forward} 뛰어가",
            p.variant == 1 ? "제자리에서 가볍게 뛰" : "{forward} 가볍게 달려가",
            "{speed} 조깅을 하"};
  if (k == "walk_backwards")
    return {"{speed} 뒤로 걸어가", "{speed} 뒷걸음질하",  "뒤쪽으로 {speed} 걷",
            "{speed} 뒷걸음치",    "뒤로 몇 걸음 물러나", "{speed} 뒤로 물러나"};
  if (k == "sidestep")
    return {
        "{dir} {speed} 옆걸음질하",       "{speed} {dir} 게걸음으로 이동하", "{dir} 옆으로 걸어가",
        "{speed} {dir} 사이드 스텝을 밟", "{dir} 옆걸음으로 {count} 이동하", "옆으로 {dir} 비켜서"};
  if (k == "turn")
    return {"{speed} {turn} 돌", "{turn} 몸을 돌리", "{turn} 방향을 바꾸",  "{speed} {turn} 회전하",
            "{turn} 돌아서",     "{turn} 90도 돌",   "제자리에서 {turn} 돌"};
  if (k == "turn_around")
    return {"{speed} 뒤로 돌",  "{turn?} 돌아서",       "몸을 뒤로 돌리",      "{turn?} 반 바퀴 돌",
            "{speed} 뒤돌아서", "{turn?} 180도 회전하", "뒤쪽으로 방향을 바꾸"};
  if (k == "spin")
    return {"{turn?} 한 바퀴 돌",    "제자리에서 {speed} 빙글 돌",
            "{turn?} 빙그르르 돌",   p.reps > 1 ? "{turn?} 두 바퀴 회전하" : "{turn?} 360도 회전하",
            "{speed} 한 바퀴 빙 돌", "제자리에서 {turn?} 회전하"};
  if (k == "jump") {
    if (p.variant == 1)
      return {"앞으로 {count} 점프하", "{count} 앞으로 뛰어오르", "앞쪽으로 {count} 뛰",
              "{size} 앞으로 뛰어넘", "두 발로 앞으로 {count} 뛰"};
    if (p.variant == 2)
      return {"{size} 높이 점프하", "위로 높이 뛰어오르", "팔을 휘두르며 높이 뛰어오르",
              "힘껏 위로 점프하"};
    return {"제자리에서 {count} 점프하", "{count} 뛰어오르",        "{count} 위로 뛰",
            "{size} {count} 점프하",     "두 발로 {count} 깡충 뛰", "제자리에서 {count} 뛰어오르"};
  }
  if (k == "hop")
    return {
        "{leg_with} {count} 깡충깡충 뛰", "한 발로 {count} 뛰", "{leg_with} {count} 콩콩 뛰",
        "{leg_with}만 {count} 점프하",    "외발로 {count} 뛰",  "{other_leg_obj} 들고 한 발로 뛰"};
  if (k == "jumping_jacks")
    return {"{count} 팔벌려뛰기를 하", "{speed} 팔 벌려 뛰기를 하", "팔과 다리를 벌리며 {count} 뛰",
            "{count} 점핑잭을 하", "팔다리를 {count} 벌렸다 모으"};
  if (k == "squat")
    return {"{count} 스쿼트를 하",
            "{count} 쪼그려 앉았다 일어나",
            "{speed} 무릎을 굽혔다 펴",
            "{count} 앉았다 일어서",
            "{speed} {count} 쭈그려 앉았다가 일어나",
            "{count} 무릎을 굽혀 앉았다 일어나"};
  if (k == "sit_down")
    return {"{speed} 앉",     "자리에 앉", "의자에 {speed} 앉",
            "{speed} 주저앉", "걸터앉",    "{speed} 의자에 걸터앉",
            "몸을 낮춰 앉"};
  if (k == "stand_up")
    return {"{speed} 일어서", "{speed} 일어나",          "자리에서 일어나",
            "몸을 일으키",    "의자에서 {speed} 일어나", "앉아 있다가 일어서"};
  if (k == "kneel") {
    if (p.variant == 1)
      return {"두 무릎을 꿇었다가 일어나", "무릎을 꿇고 앉았다가 일어서",
              "양 무릎을 꿇었다 다시 일어서", "무릎을 꿇"};
    return {"{knee_obj} 꿇었다가 일어서", "한쪽 무릎을 꿇",
            "{knee_obj} 바닥에 대고 앉았다가 일어나", "{knee_obj} 꿇",
            "한쪽 무릎을 꿇었다가 다시 일어나"};
  }
  if (k == "lunge")
    return {"{count} 런지를 하", "{leg_obj} 앞으로 내딛고 무릎을 굽히",
            "{leg_obj} 앞으로 뻗어 {count} 런지하", "{leg_obj} 앞으로 내밀며 몸을 낮추",
            "앞으로 한 발 내딛어 {count} 앉았다 일어서"};
  if (k == "balance")
    return {"{leg_with} 서서 균형을 잡", "한 발로 서", "{leg_with} 외발 서기를 하",
            "{other_leg_obj} 들고 한 발로 서", "팔을 벌리고 {leg_with} 균형을 잡"};
  if (k == "march")
    return {p.variant == 0 ? "제자리에서 행진하" : "{forward} 행진하", "무릎을 높이 들며 걷",
            p.variant == 0 ? "제자리걸음을 하" : "씩씩하게 행진해 나아가", "군인처럼 행진하",
            p.variant == 0 ? "제자리에서 발을 구르" : "팔을 흔들며 {forward} 행진하"};
  if (k == "step") {
    if (p.direction == Direction::kForward)
      return {"앞으로 {count} 발짝 내딛", "한 발짝 앞으로 나서", "앞으로 걸음을 내딛",
              "앞으로 조금 걸어가"};
    if (p.direction == Direction::kBackward)
      return {"뒤로 한 발짝 물러서", "뒤로 물러서", "뒤로 {count} 발짝 물러나", "뒤로 걸음을 옮기"};
    return {"{dir} 한 발짝 움직이", "{dir} 발을 옮기", "{dir} 한 걸음 이동하", "{dir} 비켜서"};
  }
  if (k == "stumble")
    return {"걷다가 비틀거리",
            "걸어가다 발을 헛디디",
            "걷다가 넘어질 뻔하",
            "앞으로 걷다가 휘청거리",
            "걸어가던 중 무언가에 걸려 비틀거리",
            "걷다가 중심을 잃고 휘청하"};
  if (k == "crawl")
    return {"엎드려 {forward} 기어가",   "네 발로 기어가",
            "바닥에 엎드려 기",          "{speed} 바닥을 기어가",
            "무릎을 꿇고 엎드려 기어가", "엎드린 채로 {speed} 앞으로 기어가"};
  if (k == "bow")
    return {"{count} 고개를 숙여 인사하", "허리를 숙여 {count} 인사하", "{count} 절하",
            "{speed} 몸을 앞으로 숙이",   "{size} 허리를 굽혀 인사하",  "정중하게 {count} 인사하"};
  if (k == "wave") {
    if (p.variant == 1)
      return {"{hand_obj} 머리 위로 흔들", "{hand_obj} 높이 들고 좌우로 흔들",
              "{hand_obj} 위로 뻗어 흔들", "머리 위로 {hand_obj} 크게 흔들"};
    return {
        "{hand_obj} 흔들",          "{hand_obj} 들어 흔들",       "{hand_with} 손을 흔들",
        "{hand_obj} 흔들며 인사하", "{hand_with} {count} 손짓하", "{hand_obj} 들고 {count} 흔들"};
  }
  if (k == "clap") {
    if (p.variant == 1)
      return {"머리 위로 {count} 박수를 치", "손을 머리 위로 올려 박수를 치",
              "머리 위에서 {count} 손뼉을 치"};
    return {"{count} 박수를 치", "{count} 손뼉을 치", "{speed} 박수를 치",
            "손바닥을 {count} 마주치", "가슴 앞에서 {count} 박수를 치"};
  }
  if (k == "punch")
    return {"{hand_with} {count} 주먹을 내지르",
            "{hand_with} {count} 펀치를 날리",
            "{count} 주먹질하",
            "{hand_with} 앞으로 주먹을 뻗",
            "{speed} {count} 잽을 날리",
            "{hand_with} 허공에 주먹을 날리"};
  if (k == "kick") {
    if (p.variant == 1)
      return {"{leg_obj} 옆으로 차올리", "{leg_with} 옆차기를 하", "옆으로 {count} 발차기를 하",
              "{leg_obj} 옆으로 {size} 차"};
    return {"{leg_with} {count} 발차기를 하", "{leg_with} 앞을 {count} 차",
            "{leg_obj} 앞으로 차올리",        "{count} 앞차기를 하",
            "{leg_obj} {size} 차올리",        "{leg_with} 허공을 {count} 차"};
  }
  if (k == "raise_arms") {
    if (p.variant == 1)
      return {"{hand_obj} 앞으로 들어 올리", "{hand_obj} 앞으로 쭉 뻗",
              "{hand_obj} 앞으로 들었다가 내리", "{hand_obj} 어깨 높이까지 올리"};
    if (p.variant == 2)
      return {"{hand_obj} 옆으로 벌리", "{hand_obj} 양옆으로 들어 올리",
              "{hand_obj} 옆으로 들었다가 내리", "{hand_obj} 수평으로 펼치"};
    return {"{hand_obj} 머리 위로 올리", "{hand_obj} 위로 들어 올리", "{hand_obj} 위로 번쩍 들",
            "{hand_obj} 하늘로 뻗",      "{hand_obj} 들었다가 내리",  "{hand_obj} 높이 들어 올리"};
  }
  if (k == "stretch") {
    if (p.variant == 0)
      return {"기지개를 켜", "팔을 위로 쭉 뻗으며 발끝으로 서", "발뒤꿈치를 들고 팔을 위로 뻗",
              "두 팔을 머리 위로 뻗어 몸을 쭉 펴"};
    if (p.variant == 1)
      return {"팔을 올리고 옆구리 스트레칭을 하", "두 팔을 들고 몸을 좌우로 기울이",
              "스트레칭을 하", "팔을 위로 뻗고 상체를 옆으로 늘이"};
    return {"팔을 들고 허리를 좌우로 비틀", "스트레칭을 하", "두 팔을 올린 채 몸통을 돌리",
            "몸을 쭉 펴"};
  }
  if (k == "pick_up")
    return {"{speed} 허리를 숙여 무언가를 줍",    "바닥에서 무언가를 주워 들",
            "{hand_with} 물건을 집어 올리",       "몸을 굽혀 바닥의 물건을 집",
            "{speed} 허리를 굽혀 뭔가를 집어 들", "바닥에 떨어진 것을 줍"};
  if (k == "throw") {
    if (p.variant == 1)
      return {"{hand_with} 공을 아래에서 위로 던지", "{hand_with} 무언가를 가볍게 던지",
              "언더핸드로 공을 던지"};
    return {"{hand_with} 공을 던지", "{hand_with} 무언가를 {size} 던지",
            "{hand_obj} 휘둘러 {count} 던지", "{hand_with} 멀리 던지",
            "공을 {hand_with} 힘껏 던지"};
  }
  if (k == "arm_circles")
    return {"{hand_obj} {count} 돌리",
            p.variant == 0 ? "{hand_obj} 앞으로 돌리" : "{hand_obj} 뒤로 돌리",
            "{hand_obj} 크게 원을 그리며 돌리", "{hand_obj} 빙빙 돌리", "어깨를 {count} 돌리"};
  if (k == "side_bend")
    return {"{dir} 몸을 기울이", "상체를 {dir} 굽히", "{dir} 옆구리를 늘이",
            "팔을 머리 위로 올리고 {dir} 몸을 숙이", "{dir} 상체를 기울이"};
  if (k == "look_around")
    return {"주위를 둘러보", "두리번거리",      "고개를 좌우로 돌리",
            "사방을 살피",   "이리저리 둘러보", "고개를 돌려 주변을 살펴보"};
  if (k == "dance")
    return {"{speed} 춤을 추",
            "신나게 춤추",
            "몸을 흔들며 춤을 추",
            "리듬에 맞춰 몸을 흔들",
            "{speed} 팔을 흔들며 춤을 추",
            "음악에 맞춰 춤을 추"};
  if (k == "push")
    return {"두 손으로 {count} 무언가를 밀", "양손으로 앞을 {count} 밀", "두 손으로 미는 동작을 하",
            "앞에 있는 것을 {size} 밀어내", "양팔을 앞으로 뻗어 {count} 밀"};
  if (k == "drink")
    return {"{hand_with} 컵을 들어 마시", "{hand_with} 무언가를 마시", "{hand_with} 물을 마시",
            "손을 입으로 가져가 마시", "{hand_with} 음료를 {count} 마시"};
  if (k == "swing") {
    if (p.variant == 1)
      return {"골프 스윙을 하", "골프채를 휘두르", "{turn?} 골프채를 {count} 휘두르",
              "골프공을 치듯 스윙하"};
    return {"방망이를 휘두르", "{count} 배트를 스윙하", "야구 스윙을 하",
            "{turn?} 방망이를 {size} 휘두르", "두 손으로 배트를 휘두르"};
  }
  if (k == "shrug")
    return {"{count} 어깨를 으쓱하", "어깨를 들썩이", "양어깨를 {count} 으쓱하",
            "어깨를 으쓱이며 손바닥을 보이"};
  MOTLAB_FAIL("korean caption grammar: no templates for action '", k, "'");
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
  const std::string& chosen = options[rng.next() % options.size()];
  Clause clause;
  std::vector<std::string> words = split_words(chosen);
  clause.stem = words.back();
  words.pop_back();
  for (const auto& w : words) {
    if (w.size() > 2 && w.front() == '{') {
      // "{name}" or "{name}suffix" (e.g. "{leg_with}만")
      const size_t close = w.find('}');
      const std::string name = w.substr(1, close - 1);
      const std::string suffix = w.substr(close + 1);
      const std::string expanded = expand(name, a.params, rng);
      std::vector<std::string> parts = split_words(expanded);
      if (!parts.empty()) parts.back() += suffix;
      const std::string tag = name == "count"                     ? "NUM"
                              : name == "speed" || name == "size" ? "ADV"
                                                                  : "X";
      for (const auto& part : parts) clause.words.push_back({part, tag});
    } else {
      clause.words.push_back({w, "X"});
    }
  }
  return clause;
}

void add(std::vector<Word>& out, const std::vector<Word>& words) {
  out.insert(out.end(), words.begin(), words.end());
}

}  // namespace korean_clauses
}  // namespace

Caption caption_ko(const std::vector<Action>& actions, Rng& rng) {
  using namespace korean_clauses;
  MOTLAB_CHECK(!actions.empty(), "caption_ko: no actions");
  std::vector<Clause> clauses;
  for (const auto& a : actions) clauses.push_back(make_clause(a, rng));
  const size_t n = clauses.size();

  static const std::vector<std::string> subjects{"사람이",    "한 사람이", "어떤 사람이", "남자가",
                                                 "여자가",    "누군가가",  "그 사람은",   "사람은",
                                                 "한 남자가", "한 여자가", "인물이"};
  std::vector<Word> words;
  double subject_roll = rng.uniform();
  const std::string subject = rng.pick(subjects);
  auto push_subject = [&] {
    for (const auto& w : split_words(subject)) words.push_back({w, "X"});
  };
  // Some annotators describe multi-step motions in detail: the initial state before the subject
  // and the final state as a closing sentence (both true of every generated motion: it starts
  // and ends still, in the first action's start and the last action's end posture).
  const bool detailed = n >= 2 && rng.chance(0.45);
  if (detailed) {
    const bool seated = actions.front().spec->start == Posture::kSitting;
    const std::string state = seated ? "앉아 있던" : "서 있던";
    for (const auto& w :
         split_words(rng.pick(std::vector<std::string>{"가만히", "제자리에", "처음에 가만히"})))
      words.push_back({w, "ADV"});
    for (const auto& w : split_words(state)) words.push_back({w, "VERB"});
    subject_roll = 0;  // the subject follows the state
  }
  if (subject_roll < 0.6) push_subject();

  const double style_roll = rng.uniform();
  const bool period = rng.chance(0.8);
  auto finish = [&](const std::string& stem) {
    const bool progressive = n == 1 && rng.chance(0.2);
    if (progressive) {
      words.push_back({stem + "고", "VERB"});
      words.push_back({"있다", "VERB"});
    } else {
      words.push_back({korean::declarative(stem), "VERB"});
    }
  };

  if (n == 2 && style_roll < 0.1) {
    // Reversed order: "B하기 전에 A한다".
    add(words, clauses[1].words);
    words.push_back({clauses[1].stem + "기", "VERB"});
    words.push_back({"전에", "X"});
    add(words, clauses[0].words);
    finish(clauses[0].stem);
  } else if (n >= 2 && style_roll < 0.35) {
    // Separate sentences joined by sentence connectives.
    static const std::vector<std::string> connectives{"그리고", "그 다음",   "그 후",
                                                      "이어서", "그런 다음", "그러고 나서",
                                                      "그 뒤",  "다음으로",  "그 다음에"};
    for (size_t i = 0; i < n; ++i) {
      if (i > 0) {
        const std::string c = rng.pick(connectives);
        for (const auto& w : split_words(c)) words.push_back({w, "CCONJ"});
        if (rng.chance(0.15)) words.push_back({"그는", "X"});
      }
      add(words, clauses[i].words);
      if (i + 1 < n) {
        words.push_back({korean::declarative(clauses[i].stem) + ".", "VERB"});
      } else {
        finish(clauses[i].stem);
      }
    }
  } else {
    // One sentence with clause connectives.
    const bool enumerate = n >= 3 && rng.chance(0.35);
    for (size_t i = 0; i < n; ++i) {
      if (enumerate && i == 0)
        words.push_back({rng.pick(std::vector<std::string>{"먼저", "처음에", "우선"}), "ADV"});
      if (enumerate && i + 1 == n) words.push_back({"마지막으로", "ADV"});
      if (!enumerate && i > 0 && rng.chance(0.15))
        words.push_back(
            {rng.pick(std::vector<std::string>{"곧바로", "이어서", "바로", "다시"}), "ADV"});
      add(words, clauses[i].words);
      if (i + 1 == n) {
        finish(clauses[i].stem);
        break;
      }
      const std::string& stem = clauses[i].stem;
      const bool comma = rng.chance(0.3);
      const std::string c = comma ? "," : "";
      switch (rng.weighted({0.35, 0.15, 0.3, 0.1, 0.1})) {
        case 0:
          words.push_back({stem + "고" + c, "VERB"});
          break;
        case 1:
          words.push_back({stem + "고", "VERB"});
          words.push_back({"나서" + c, "X"});
          break;
        case 2: {
          words.push_back({korean::past_adnominal(stem), "VERB"});
          words.push_back(
              {rng.pick(std::vector<std::string>{"다음", "다음에", "후", "후에", "뒤", "뒤에"}) + c,
               "X"});
          break;
        }
        case 3:
          words.push_back({stem + "다가" + c, "VERB"});
          break;
        default:
          words.push_back({stem + "고" + c, "VERB"});
          if (!enumerate)
            words.push_back(
                {rng.pick(std::vector<std::string>{"그다음", "그 뒤로", "이후"}), "ADV"});
          break;
      }
    }
  }
  if (detailed) {
    const bool seated = actions.back().spec->end == Posture::kSitting;
    words.back().text += ".";
    const std::string opener =
        rng.pick(std::vector<std::string>{"마지막에는", "끝에는", "그리고 마지막에"});
    for (const auto& w : split_words(opener)) words.push_back({w, "ADV"});
    const std::string ending =
        seated ? rng.pick(std::vector<std::string>{"앉은 채로 가만히 있다", "앉은 자세로 멈춘다"})
               : rng.pick(std::vector<std::string>{"그 자리에 가만히 멈춰 선다",
                                                   "제자리에 똑바로 선다",
                                                   "움직임을 멈추고 가만히 서 있다"});
    const auto ending_words = split_words(ending);
    for (size_t k = 0; k < ending_words.size(); ++k)
      words.push_back({ending_words[k], k + 1 == ending_words.size() ? "VERB" : "X"});
  }
  // Only a one-word leading adverb may precede the subject (a multi-word phrase such as
  // "네 차례" must stay together).
  if (subject_roll >= 0.6 && subject_roll < 0.7 && words.size() >= 2 && words[0].tag == "ADV" &&
      words[1].tag != "ADV") {
    // Subject after the first phrase ("천천히 사람이 걸어간다") - rarer, still grammatical.
    std::vector<Word> reordered{words[0]};
    for (const auto& w : split_words(subject)) reordered.push_back({w, "X"});
    reordered.insert(reordered.end(), words.begin() + 1, words.end());
    words = reordered;
  }
  Caption caption;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) caption.text += ' ';
    caption.text += words[i].text;
  }
  if (period) caption.text += '.';
  for (size_t i = 0; i < words.size(); ++i) {
    std::string token = words[i].text;
    while (!token.empty() && (token.back() == '.' || token.back() == ',')) token.pop_back();
    if (i) caption.tokens += ' ';
    caption.tokens += token + "/" + words[i].tag;
  }
  return caption;
}

}  // namespace motlab::synth
