#include "host/ha/curve_keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace vxsn {
namespace {

void write_file(const std::filesystem::path& path, const std::string& text, mode_t mode,
                bool overwrite) {
  int flags = O_WRONLY | O_CREAT | (overwrite ? O_TRUNC : O_EXCL);
  int fd = ::open(path.c_str(), flags, mode);
  if (fd < 0) throw CurveKeyError(path.string() + ": " + std::strerror(errno));
  // An existing file keeps its mode on O_TRUNC; a secret key must never stay readable.
  ::fchmod(fd, mode);
  std::string line = text + "\n";
  ssize_t n = ::write(fd, line.data(), line.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(line.size()))
    throw CurveKeyError(path.string() + ": write failed: " + std::strerror(err));
}

}  // namespace

CurveKeyPair generate_curve_key_pair() {
  char pub[41], sec[41];
  if (zmq_curve_keypair(pub, sec) != 0)
    throw CurveKeyError(std::string("zmq_curve_keypair: ") + zmq_strerror(zmq_errno()));
  return {pub, sec};
}

bool is_z85_key(const std::string& text) {
  if (text.size() != 40) return false;
  uint8_t raw[32];
  return zmq_z85_decode(raw, text.c_str()) != nullptr;
}

CurveKeyPair write_key_pair(const std::filesystem::path& prefix, bool overwrite) {
  CurveKeyPair pair = generate_curve_key_pair();
  std::filesystem::path secret = prefix;
  secret += ".key";
  std::filesystem::path pub = prefix;
  pub += ".pub";
  write_file(secret, pair.secret_z85, 0600, overwrite);
  write_file(pub, pair.public_z85, 0644, overwrite);
  return pair;
}

std::string read_z85_key_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw CurveKeyError(path.string() + ": cannot open key file");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto first = text.find_first_not_of(" \t\r\n");
  auto last = text.find_last_not_of(" \t\r\n");
  text = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
  if (!is_z85_key(text))
    throw CurveKeyError(path.string() + ": not a Z85 CURVE key (40 characters expected)");
  return text;
}

std::string curve_public_from_secret(const std::string& secret_z85) {
  if (!is_z85_key(secret_z85)) throw CurveKeyError("not a Z85 CURVE secret key");
  char pub[41];
  if (zmq_curve_public(pub, secret_z85.c_str()) != 0)
    throw CurveKeyError(std::string("zmq_curve_public: ") + zmq_strerror(zmq_errno()));
  return pub;
}

}  // namespace vxsn
