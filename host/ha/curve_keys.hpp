// CURVE key pairs for peer authentication, stored as Z85 text (40 characters, one line):
// "<name>.key" holds the secret key (mode 0600), "<name>.pub" the public key that goes into
// the peers' configs. `vxsnctl keygen` and `vxsn-keygen` call write_key_pair.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace vxsn {

struct CurveKeyPair {
  std::string public_z85;  // 40 characters
  std::string secret_z85;  // 40 characters
};

class CurveKeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A fresh pair from libzmq (needs libzmq built with CURVE, as Debian's is).
CurveKeyPair generate_curve_key_pair();

// True for a 40-character Z85 string that decodes to a 32-byte key.
bool is_z85_key(const std::string& text);

// Writes `<prefix>.key` (secret, 0600, created exclusively unless overwrite) and
// `<prefix>.pub`. Returns the pair written.
CurveKeyPair write_key_pair(const std::filesystem::path& prefix, bool overwrite = false);

// Reads one Z85 key from a file written above (surrounding whitespace ignored); throws
// CurveKeyError naming the file if it does not hold a key.
std::string read_z85_key_file(const std::filesystem::path& path);

// The public key belonging to a secret key (both Z85).
std::string curve_public_from_secret(const std::string& secret_z85);

}  // namespace vxsn
