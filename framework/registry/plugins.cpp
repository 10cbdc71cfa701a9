#include "framework/registry/plugins.h"

#include <dlfcn.h>
#include <elf.h>
#include <torch/version.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "framework/config/search_path.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/core/version.h"
#include "framework/registry/registry.h"

namespace motlab {
namespace fs = std::filesystem;

namespace {

std::vector<LoadedPlugin>& plugin_list() {
  static auto* list = new std::vector<LoadedPlugin>();
  return *list;
}

#define MOTLAB_ABI_STRING_INNER(x) #x
#define MOTLAB_ABI_STRING(x) MOTLAB_ABI_STRING_INNER(x)

// The bytes of section `wanted` of an ELF64 little-endian file; every offset and size read from
// the file is checked against the file's real size before it is used.
std::string elf_section(const std::string& file, const char* wanted) {
  std::ifstream in(file, std::ios::binary);
  MOTLAB_CHECK(in, "plugin '", file, "': cannot read the file");
  in.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(in.tellg());
  auto read_at = [&](uint64_t offset, void* out, uint64_t bytes) {
    MOTLAB_CHECK(offset <= size && bytes <= size - offset, "plugin '", file,
                 "': truncated or corrupt ELF file (", bytes, " bytes at offset ", offset, " of ",
                 size, ")");
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(static_cast<char*>(out), static_cast<std::streamsize>(bytes));
    MOTLAB_CHECK(in, "plugin '", file, "': read error at offset ", offset);
  };
  Elf64_Ehdr header{};
  MOTLAB_CHECK(size >= sizeof(header), "plugin '", file, "' is not a shared library (", size,
               " bytes)");
  read_at(0, &header, sizeof(header));
  MOTLAB_CHECK(std::memcmp(header.e_ident, ELFMAG, SELFMAG) == 0, "plugin '", file,
               "' is not a shared library (no ELF header)");
  MOTLAB_CHECK(header.e_ident[EI_CLASS] == ELFCLASS64 && header.e_ident[EI_DATA] == ELFDATA2LSB,
               "plugin '", file, "' is not a 64-bit little-endian ELF library");
  MOTLAB_CHECK(header.e_shentsize == sizeof(Elf64_Shdr) && header.e_shnum > 0 &&
                   header.e_shstrndx < header.e_shnum,
               "plugin '", file, "': corrupt ELF section table");
  std::vector<Elf64_Shdr> sections(header.e_shnum);
  read_at(header.e_shoff, sections.data(), uint64_t{header.e_shnum} * sizeof(Elf64_Shdr));
  const Elf64_Shdr& names = sections[header.e_shstrndx];
  MOTLAB_CHECK(names.sh_size <= (1u << 24), "plugin '", file, "': section-name table of ",
               names.sh_size, " bytes");
  std::string name_table(names.sh_size, '\0');
  read_at(names.sh_offset, name_table.data(), names.sh_size);
  for (const auto& section : sections) {
    if (section.sh_name >= name_table.size()) continue;
    if (std::strcmp(name_table.c_str() + section.sh_name, wanted) != 0) continue;
    MOTLAB_CHECK(section.sh_size <= (1u << 16), "plugin '", file, "': ", wanted, " section of ",
                 section.sh_size, " bytes");
    std::string bytes(section.sh_size, '\0');
    read_at(section.sh_offset, bytes.data(), section.sh_size);
    return bytes;
  }
  MOTLAB_FAIL("'", file, "' is not a motlab plugin (no ", wanted,
              " section: build it with motlab_add_plugin() from find_package(motlab))");
}

std::vector<std::string> plugin_folders() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("MOTLAB_PLUGIN_PATH"))
    for (const auto& entry : split_nonempty(env, ':'))
      if (fs::is_directory(entry)) out.push_back(entry);
  return out;
}

std::string resolve_spec(const std::string& spec, const std::string& origin) {
  const bool is_path = spec.find('/') != std::string::npos ||
                       (spec.size() > 3 && spec.compare(spec.size() - 3, 3, ".so") == 0);
  if (is_path) {
    MOTLAB_CHECK(fs::is_regular_file(spec), origin, ": plugin library '", spec, "' does not exist");
    return fs::canonical(spec).string();
  }
  const std::vector<std::string> folders = plugin_folders();
  for (const auto& folder : folders)
    for (const std::string& file : {"lib" + spec + ".so", spec + ".so"})
      if (fs::is_regular_file(fs::path(folder) / file))
        return fs::canonical(fs::path(folder) / file).string();
  MOTLAB_FAIL(origin, ": no plugin '", spec, "' (looked for lib", spec, ".so and ", spec,
              ".so in MOTLAB_PLUGIN_PATH folders: ", join_names(folders, "<none set>"),
              "); give the library's path instead");
}

std::string config_dir_of(const std::string& file, const std::map<std::string, std::string>& f) {
  auto field = [&](const char* key) {
    auto it = f.find(key);
    return it == f.end() ? std::string() : it->second;
  };
  const std::string installed = field("installed_configs");
  if (!installed.empty()) {
    const fs::path dir = fs::path(file).parent_path() / installed;
    if (fs::is_directory(dir)) return fs::canonical(dir).string();
  }
  const std::string built = field("configs");
  if (!built.empty() && fs::is_directory(built)) return built;
  return "";
}

}  // namespace

std::string motlab_version() { return MOTLAB_VERSION_STRING; }
std::string torch_version() { return TORCH_VERSION; }

std::map<std::string, std::string> read_plugin_stamp(const std::string& file) {
  const std::string bytes = elf_section(file, ".motlab_plugin");
  std::map<std::string, std::string> fields;
  size_t begin = 0;
  while (begin < bytes.size()) {
    size_t end = bytes.find('\0', begin);
    if (end == std::string::npos) end = bytes.size();
    const std::string entry = bytes.substr(begin, end - begin);
    const size_t eq = entry.find('=');
    if (eq != std::string::npos) fields[entry.substr(0, eq)] = entry.substr(eq + 1);
    begin = end + 1;
  }
  MOTLAB_CHECK(fields.count("stamp") && fields.count("motlab") && fields.count("torch"), "plugin '",
               file,
               "': its .motlab_plugin stamp is incomplete (rebuild it with motlab_add_plugin)");
  return fields;
}

const LoadedPlugin& load_plugin(const std::string& spec, const std::string& origin) {
  const std::string file = resolve_spec(spec, origin);
  for (const auto& plugin : plugin_list())
    if (plugin.file == file) return plugin;
  const auto stamp = read_plugin_stamp(file);
  const std::string abi = MOTLAB_ABI_STRING(_GLIBCXX_USE_CXX11_ABI);
  const std::string plugin_abi = stamp.count("cxx11_abi") ? stamp.at("cxx11_abi") : "?";
  MOTLAB_CHECK(stamp.at("motlab") == motlab_version() && stamp.at("torch") == torch_version() &&
                   plugin_abi == abi,
               "plugin '", file, "' (", origin, ") was built against motlab ", stamp.at("motlab"),
               " and LibTorch ", stamp.at("torch"), " (C++11 ABI ", plugin_abi,
               "), but this motlab is ", motlab_version(), " with LibTorch ", torch_version(),
               " (C++11 ABI ", abi,
               "): rebuild the plugin against this motlab (find_package(motlab) with "
               "CMAKE_PREFIX_PATH set to its install prefix or build tree)");
  set_registration_origin(file);
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  set_registration_origin("built-in");
  if (!handle) {
    const char* why = ::dlerror();
    MOTLAB_FAIL("cannot load plugin '", file, "' (", origin, "): ", why ? why : "unknown error");
  }
  const std::vector<std::string> clashes = take_registration_errors();
  MOTLAB_CHECK(clashes.empty(), "plugin '", file, "': ", join_names(clashes));
  LoadedPlugin plugin;
  plugin.file = file;
  plugin.name = stamp.count("name") ? stamp.at("name") : fs::path(file).stem().string();
  plugin.config_dir = config_dir_of(file, stamp);
  if (!plugin.config_dir.empty()) add_config_folder(plugin.config_dir, "plugin '" + file + "'");
  plugin_list().push_back(plugin);
  return plugin_list().back();
}

void load_plugins_from_environment() {
  const char* env = std::getenv("MOTLAB_PLUGIN_PATH");
  if (!env) return;
  for (const auto& entry : split_nonempty(env, ':')) {
    const std::string origin = "MOTLAB_PLUGIN_PATH entry '" + entry + "'";
    if (fs::is_regular_file(entry)) {
      load_plugin(fs::absolute(entry).string(), origin);
      continue;
    }
    MOTLAB_CHECK(fs::is_directory(entry), origin, " is neither a file nor a folder");
    std::vector<std::string> libraries;
    for (const auto& item : fs::directory_iterator(entry))
      if (item.is_regular_file() && item.path().extension() == ".so")
        libraries.push_back(item.path().string());
    std::sort(libraries.begin(), libraries.end());
    for (const auto& library : libraries) {
      bool stamped = true;
      try {
        read_plugin_stamp(library);
      } catch (const Error&) {
        stamped = false;  // other libraries may share the folder (e.g. libmotlab.so)
      }
      if (stamped) load_plugin(library, origin);
    }
  }
}

std::vector<LoadedPlugin> loaded_plugins() { return plugin_list(); }

}  // namespace motlab
