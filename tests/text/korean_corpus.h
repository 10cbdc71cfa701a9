// Varied Korean motion captions generated from word lists (seeded), for tokenizer tests that must
// not depend on a dataset being present.
#pragma once
#include <random>
#include <string>
#include <vector>

namespace motlab::test {

inline std::vector<std::string> korean_captions(size_t count, uint32_t seed) {
  const std::vector<std::string> subjects = {
      "사람이", "한 남자가", "여자가",   "아이가", "누군가가", "한 사람이",
      "노인이", "댄서가",    "선수가",   "그는",   "그녀는",   "사람은",
      "남성이", "여성이",    "어린이가", "로봇이", "군인이",   "무용수가"};
  const std::vector<std::string> adverbs = {
      "천천히", "빠르게", "조심스럽게", "힘차게", "가볍게", "급하게", "부드럽게", "비틀거리며",
      "신나게", "조용히", "갑자기",     "계속",   "다시",   "살짝",   "크게",     ""};
  const std::vector<std::string> directions = {"앞으로",
                                               "뒤로",
                                               "왼쪽으로",
                                               "오른쪽으로",
                                               "원을 그리며",
                                               "제자리에서",
                                               "대각선으로",
                                               "계단 위로",
                                               "계단 아래로",
                                               "벽 쪽으로",
                                               "시계 방향으로",
                                               "반시계 방향으로",
                                               ""};
  const std::vector<std::string> verbs = {"걷는다",
                                          "달린다",
                                          "뛰어오른다",
                                          "점프한다",
                                          "손을 흔든다",
                                          "춤을 춘다",
                                          "팔을 들어 올린다",
                                          "앉는다",
                                          "일어선다",
                                          "발차기를 한다",
                                          "몸을 돌린다",
                                          "허리를 숙인다",
                                          "공을 던진다",
                                          "물건을 집어 든다",
                                          "박수를 친다",
                                          "기어간다",
                                          "균형을 잡는다",
                                          "스트레칭을 한다",
                                          "펀치를 날린다",
                                          "고개를 끄덕인다",
                                          "뒤돌아본다",
                                          "절을 한다",
                                          "한 발로 선다",
                                          "걸어가다가 멈춘다",
                                          "옆으로 미끄러진다",
                                          "무릎을 꿇는다",
                                          "양팔을 벌린다"};
  const std::vector<std::string> counts = {"두 번", "세 번", "한 번",   "여러 번", "3번",
                                           "10번",  "5걸음", "네 걸음", "2회",     ""};
  const std::vector<std::string> joins = {"그리고",  "그 다음", "잠시 후",    "동시에",
                                          "그런 뒤", "하면서",  "그러고 나서"};
  const std::vector<std::string> endings = {".", "", "!", ".", "..", ",", "?"};
  std::mt19937 rng(seed);
  auto pick = [&](const std::vector<std::string>& words) {
    return words[std::uniform_int_distribution<size_t>(0, words.size() - 1)(rng)];
  };
  auto clause = [&] {
    std::string out;
    for (const std::string& w : {pick(adverbs), pick(directions), pick(counts), pick(verbs)})
      if (!w.empty()) out += (out.empty() ? "" : " ") + w;
    return out;
  };
  std::vector<std::string> captions;
  for (size_t i = 0; i < count; ++i) {
    std::string text = pick(subjects) + " " + clause();
    if (i % 3 == 0) text += ", " + pick(joins) + " " + clause();
    text += pick(endings);
    if (i % 17 == 0) text = "  " + text;
    if (i % 23 == 0) text += " (motion " + std::to_string(i) + ")";
    captions.push_back(text);
  }
  return captions;
}

}  // namespace motlab::test
