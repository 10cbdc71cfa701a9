// A small HumanML3D-layout dataset written by tests (random features, fixed captions).
#pragma once
#include <string>
#include <vector>

namespace motlab::test {
// ids 000001..000005 + M000001 with 60, 70, ... frames; train: 000001, M000001, 000002;
// val: 000003; test: 000004, 000005. Each caption file: a whole-motion caption and a
// 0.5-2.0 s sub-segment caption.
void write_tiny_dataset(const std::string& root);
}  // namespace motlab::test
