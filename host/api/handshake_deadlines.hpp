// One deadline for a whole TLS handshake, counted from accept. Thrift's TLS socket waits for
// each handshake read with the receive timeout, so a client that trickles a byte now and then
// (or, with no timeout, one that sends nothing) would hold its server thread for ever. A
// watchdog thread shuts down the socket of every handshake still unfinished at its deadline:
// the handshake's next read sees the end of the stream and the connection closes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace vxsn {

class HandshakeDeadlines {
 public:
  explicit HandshakeDeadlines(std::chrono::milliseconds limit);
  ~HandshakeDeadlines();  // stops the watchdog; tickets still held stay harmless
  HandshakeDeadlines(const HandshakeDeadlines&) = delete;
  HandshakeDeadlines& operator=(const HandshakeDeadlines&) = delete;

  struct Watch;
  struct Core;
  // One connection's handshake under watch. finish() (or destruction) before the socket's
  // descriptor is closed: after it, the watchdog never touches the descriptor again.
  class Ticket {
   public:
    ~Ticket() { finish(); }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    void finish();

   private:
    friend class HandshakeDeadlines;
    Ticket(std::shared_ptr<Core> core, std::shared_ptr<Watch> watch)
        : core_(std::move(core)), watch_(std::move(watch)) {}
    std::shared_ptr<Core> core_;
    std::shared_ptr<Watch> watch_;
  };

  // Starts the clock for the handshake on connected socket `fd`.
  std::unique_ptr<Ticket> watch(int fd);

  // Handshakes cut off at their deadline so far.
  uint64_t expired() const;

 private:
  void run();
  std::chrono::milliseconds limit_;
  std::shared_ptr<Core> core_;
  std::thread thread_;
};

}  // namespace vxsn
