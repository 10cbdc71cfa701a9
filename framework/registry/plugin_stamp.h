// The stamp every plugin library carries (motlab_add_plugin generates the one line that uses
// it): the motlab and LibTorch versions it was compiled against, its C++ ABI and where its
// config folder is. It lives in an ELF section of its own, so motlab reads it from the file and
// refuses a mismatched plugin before any of the plugin's code runs (framework/registry/plugins.h).
#pragma once
#include <torch/version.h>

#include "framework/core/version.h"

#define MOTLAB_STAMP_STRINGIFY_INNER(x) #x
#define MOTLAB_STAMP_STRINGIFY(x) MOTLAB_STAMP_STRINGIFY_INNER(x)

// Overridable only so that the tests can build a deliberately mismatched plugin.
#ifndef MOTLAB_STAMP_MOTLAB_VERSION
#define MOTLAB_STAMP_MOTLAB_VERSION MOTLAB_VERSION_STRING
#endif
#ifndef MOTLAB_STAMP_TORCH_VERSION
#define MOTLAB_STAMP_TORCH_VERSION TORCH_VERSION
#endif

// name: the plugin's name; configs: its config folder where it was built (absolute, "" = none);
// installed_configs: the same folder after `cmake --install`, relative to the library's folder.
#define MOTLAB_PLUGIN_STAMP(name, configs, installed_configs)                                    \
  extern "C" __attribute__((used, section(".motlab_plugin"))) const char motlab_plugin_stamp[] = \
      "stamp=1\0name=" name "\0motlab=" MOTLAB_STAMP_MOTLAB_VERSION                              \
      "\0torch=" MOTLAB_STAMP_TORCH_VERSION "\0cxx11_abi=" MOTLAB_STAMP_STRINGIFY(               \
          _GLIBCXX_USE_CXX11_ABI) "\0configs=" configs "\0installed_configs=" installed_configs  \
                                  "\0"
