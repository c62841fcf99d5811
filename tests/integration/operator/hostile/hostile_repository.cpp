#include "hostile_repository.h"

#include "core/error.h"
#include "process.h"

namespace sluice::testing {
namespace {

void append_data(std::string& stream, const std::string& data) {
  stream += "data " + std::to_string(data.size()) + "\n" + data + "\n";
}

// Writes a blob of `bytes` zeros into `bare` as a pack of one object (with its index) and
// returns its id. Python's zlib at level 1 and hashlib's SHA-1 stream it a MiB at a time (1 GiB:
// about 3 s of CPU, 4.5 MiB of pack); a pack, not a loose object, so that the git server sends
// it as it is rather than deflating 1 GiB again for every fetch (another 9 s on a loaded
// machine). The fetching side must still inflate it all to check its id: that is the attack.
std::string write_zero_blob(const std::filesystem::path& bare, std::uint64_t bytes) {
  static constexpr const char* kScript = R"(
import hashlib, os, struct, sys, zlib
bare, size = sys.argv[1], int(sys.argv[2])
sha, deflate = hashlib.sha1(b"blob %d\0" % size), zlib.compressobj(1)
header, rest = bytearray([0x30 | (size & 0x0F)]), size >> 4
while rest:
    header[-1] |= 0x80
    header.append(rest & 0x7F)
    rest >>= 7
data, zeros, left = [bytes(header)], bytes(1 << 20), size
while left > 0:
    chunk = zeros[:min(left, len(zeros))]
    sha.update(chunk)
    data.append(deflate.compress(chunk))
    left -= len(chunk)
data.append(deflate.flush())
entry = b"".join(data)
oid = sha.digest()
pack = b"PACK" + struct.pack(">II", 2, 1) + entry
pack += hashlib.sha1(pack).digest()
index = b"\377tOc" + struct.pack(">I", 2)
index += b"".join(struct.pack(">I", 1 if i >= oid[0] else 0) for i in range(256))
index += oid + struct.pack(">II", zlib.crc32(entry), 12) + pack[-20:]
index += hashlib.sha1(index).digest()
name = os.path.join(bare, "objects", "pack", "pack-" + pack[-20:].hex())
with open(name + ".pack", "wb") as out:
    out.write(pack)
with open(name + ".idx", "wb") as out:
    out.write(index)
print(oid.hex())
)";
  const ProcessResult written =
      run_process({"python3", "-c", kScript, bare.string(), std::to_string(bytes)},
                  ProcessOptions{}.set_timeout(std::chrono::minutes(3)));
  if (written.exit_code != 0) throw internal_error("writing the zero blob: " + written.err);
  return written.out.substr(0, written.out.find('\n'));
}

}  // namespace

void import_hostile_repository(const std::filesystem::path& bare, const HostileTree& tree) {
  const ProcessResult init = run_process({"git", "init", "-q", "--bare", "-b", "main", bare});
  if (init.exit_code != 0) throw internal_error("git init --bare: " + init.err);

  std::string commit = "commit refs/heads/main\ncommitter hostile <hostile@sluice.dev> 0 +0000\n";
  append_data(commit, "a hostile tree");
  for (const HostileEntry& entry : tree.entries) {
    commit +=
        std::string("M ") + (entry.symlink ? "120000" : "100644") + " inline " + entry.path + "\n";
    append_data(commit, entry.content);
  }
  if (!tree.zero_file.empty()) {
    commit +=
        "M 100644 " + write_zero_blob(bare, tree.zero_file_bytes) + " " + tree.zero_file + "\n";
  }
  const ProcessResult imported = run_process({"git", "-C", bare.string(), "fast-import", "--quiet"},
                                             ProcessOptions{}.set_input(commit));
  if (imported.exit_code != 0) throw internal_error("git fast-import: " + imported.err);
}

std::string alias_bomb_yaml() {
  std::string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n";
  yaml += "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char name = 'b'; name <= 'i'; ++name) {
    const char previous = static_cast<char>(name - 1);
    yaml += std::string("  ") + name + ": &" + name + " [";
    for (int copy = 0; copy < 9; ++copy) yaml += std::string(copy == 0 ? "*" : ", *") + previous;
    yaml += "]\n";
  }
  return yaml;
}

std::string deeply_nested_yaml(int depth) {
  const auto levels = static_cast<std::size_t>(depth);
  return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  deep: " +
         std::string(levels, '[') + std::string(levels, ']') + "\n";
}

std::string kustomization_of(const std::string& body) {
  return "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" + body;
}

}  // namespace sluice::testing
