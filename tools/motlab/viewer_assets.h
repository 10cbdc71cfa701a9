// The viewer's page, script and style sheet (tools/motlab/viewer/), compiled into motlab: `motlab
// serve` needs no file outside the executable and serves nothing else from disk.
#pragma once
#include <map>
#include <string>

namespace motlab::cli {

struct ViewerAsset {
  std::string body, type;  // content and its Content-Type
};
// URL path ("/", "/app.js", "/style.css") -> asset.
const std::map<std::string, ViewerAsset>& viewer_assets();

}  // namespace motlab::cli
