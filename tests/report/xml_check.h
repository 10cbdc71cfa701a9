// A small well-formedness check for the SVG the report module writes: balanced and properly
// nested elements, quoted attributes, no raw '<' or stray '&' in text. Returns "" when well-formed,
// else what is wrong.
#pragma once
#include <cctype>
#include <string>
#include <vector>

namespace motlab::test {

inline std::string xml_problem(const std::string& xml) {
  std::vector<std::string> open;
  size_t roots = 0;
  for (size_t k = 0; k < xml.size();) {
    if (xml[k] == '&') {
      const size_t semi = xml.find(';', k);
      const std::string entity = semi == std::string::npos ? "" : xml.substr(k, semi - k + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" &&
          entity != "&apos;")
        return "stray '&' at " + std::to_string(k);
      k = semi + 1;
      continue;
    }
    if (xml[k] == '>') return "stray '>' at " + std::to_string(k);
    if (xml[k] != '<') {
      ++k;
      continue;
    }
    if (xml.compare(k, 5, "<?xml") == 0) {
      const size_t end = xml.find("?>", k);
      if (end == std::string::npos) return "unterminated <?xml";
      k = end + 2;
      continue;
    }
    // Scan the tag, honouring quoted attribute values.
    size_t end = k + 1;
    char quote = 0;
    for (; end < xml.size(); ++end) {
      const char c = xml[end];
      if (quote) {
        if (c == quote) quote = 0;
        if (c == '<') return "'<' inside an attribute at " + std::to_string(end);
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      } else if (c == '<') {
        return "'<' inside a tag at " + std::to_string(end);
      }
    }
    if (end >= xml.size()) return "unterminated tag at " + std::to_string(k);
    std::string tag = xml.substr(k + 1, end - k - 1);
    k = end + 1;
    if (!tag.empty() && tag[0] == '/') {
      const std::string name = tag.substr(1);
      if (open.empty() || open.back() != name) return "unexpected </" + name + ">";
      open.pop_back();
      continue;
    }
    const bool self_closing = !tag.empty() && tag.back() == '/';
    size_t n = 0;
    while (n < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[n])) || tag[n] == ':' ||
                              tag[n] == '-' || tag[n] == '_'))
      ++n;
    if (n == 0) return "tag without a name: <" + tag + ">";
    // Attributes: name="value" pairs.
    size_t quotes = 0;
    for (char c : tag) quotes += c == '"';
    if (quotes % 2) return "unbalanced quotes in <" + tag + ">";
    if (open.empty()) ++roots;
    if (!self_closing) open.push_back(tag.substr(0, n));
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  if (roots != 1) return std::to_string(roots) + " root elements";
  return "";
}

}  // namespace motlab::test
