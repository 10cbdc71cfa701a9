// Caption translation backends (the `translator` family: deepl, openai, a plugin's own). A
// translator turns a batch of source texts into as many target texts, in order; transient
// failures (HTTP 429, 5xx, timeouts, a refused connection) are TranslateErrors with retryable
// set, so the driver (framework/translate/translate_job.h) backs off and tries again; anything
// else (a bad key, malformed JSON, a short reply) stops the run with the error.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/registry/registry.h"

namespace motlab {

class TranslateError : public std::runtime_error {
 public:
  TranslateError(const std::string& what, bool retryable, double retry_after_s = -1)
      : std::runtime_error(what), retryable(retryable), retry_after_s(retry_after_s) {}
  bool retryable;
  double retry_after_s;  // the server's Retry-After, -1 when it gave none
};

class Translator {
 public:
  virtual ~Translator() = default;
  // texts.size() <= max_batch(); returns exactly texts.size() translations, in order.
  virtual std::vector<std::string> translate(const std::vector<std::string>& texts) = 0;
  virtual int64_t max_batch() const = 0;
  // Everything that changes a translation (backend, model, languages, prompt, glossary...): the
  // cache key's first half, so a changed setting never reuses another's translations.
  virtual std::string identity() const = 0;
  // Where requests go, for messages ("https://api.deepl.com/v2/translate").
  virtual std::string endpoint() const = 0;
};

MOTLAB_DECLARE_FAMILY(translator_family, Translator)

// One JSON POST for the HTTP backends: `url` is http(s)://host[:port]/path. Statuses 429 and 5xx,
// timeouts and connection failures throw retryable TranslateErrors (429/503 with Retry-After
// seconds); other non-2xx statuses throw non-retryable ones quoting the reply's start.
struct HttpReply {
  int status = 0;
  std::string body;
};
HttpReply post_json(const std::string& url,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body, double timeout_s);

}  // namespace motlab
