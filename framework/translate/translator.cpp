#include "framework/translate/translator.h"

#include <httplib.h>

#include <cstdlib>

#include "framework/core/error.h"

namespace motlab {

MOTLAB_DEFINE_FAMILY(translator_family, Translator, "translator", "translator",
                     "caption translation backends (motlab data translate)")

HttpReply post_json(const std::string& url,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body, double timeout_s) {
  const size_t scheme_end = url.find("://");
  MOTLAB_CHECK(scheme_end != std::string::npos, "'", url, "': expected an http:// or https:// URL");
  const size_t path_start = url.find('/', scheme_end + 3);
  const std::string origin = path_start == std::string::npos ? url : url.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  httplib::Client client(origin);
  MOTLAB_CHECK(client.is_valid(), "'", url, "': not a URL this build can reach (http or https)");
  const auto seconds = static_cast<time_t>(timeout_s);
  const auto micros = static_cast<time_t>((timeout_s - static_cast<double>(seconds)) * 1e6);
  client.set_connection_timeout(seconds, micros);
  client.set_read_timeout(seconds, micros);
  client.set_write_timeout(seconds, micros);
  httplib::Headers request_headers;
  for (const auto& [name, value] : headers) request_headers.emplace(name, value);
  auto result = client.Post(path, request_headers, body, "application/json");
  if (!result) {
    // Refused or dropped connections and timeouts pass; TLS and URL problems do not.
    const httplib::Error error = result.error();
    const bool transient = error == httplib::Error::Connection || error == httplib::Error::Read ||
                           error == httplib::Error::Write ||
                           error == httplib::Error::ConnectionTimeout;
    throw TranslateError(url + ": " + httplib::to_string(error), transient);
  }
  HttpReply reply{result->status, result->body};
  if (reply.status >= 200 && reply.status < 300) return reply;
  const std::string start = reply.body.substr(0, 300);
  if (reply.status == 429 || reply.status >= 500) {
    double retry_after = -1;
    if (result->has_header("Retry-After")) {
      char* end = nullptr;
      const std::string value = result->get_header_value("Retry-After");
      const double seconds_value = std::strtod(value.c_str(), &end);
      if (end != value.c_str() && *end == '\0' && seconds_value >= 0) retry_after = seconds_value;
    }
    throw TranslateError(url + ": HTTP " + std::to_string(reply.status) + " " + start,
                         /*retryable=*/true, retry_after);
  }
  throw TranslateError(url + ": HTTP " + std::to_string(reply.status) + " " + start,
                       /*retryable=*/false);
}

}  // namespace motlab
