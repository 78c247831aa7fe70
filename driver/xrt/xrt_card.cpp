#include "driver/xrt/xrt_card.hpp"

#include <xclbin.h>

#include <experimental/xrt_mailbox.h>
#include <experimental/xrt_xclbin.h>
#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "driver/card/bank_serializer.hpp"
#include "driver/card/card_memory.hpp"
#include "driver/card/deadline_worker.hpp"
#include "driver/xrt/datapath_xclbin.hpp"
#include "driver/xrt/xclbin_reader.hpp"
#include "hls/counter_layout.hpp"
#include "hls/inject_ring_layout.hpp"
#include "hls/learn_ring_layout.hpp"
#include "hls/punt_ring_layout.hpp"
#include "hls/table_layout.hpp"

namespace vxsn {
namespace {

using Kind = CardError::Kind;
using namespace xrtcard;

// A control run returns at once on a card (kCmdReset/kCmdControl touch no stream; a
// counter snapshot takes ~kCounterWords cycles); this bounds a hung card, not a slow one.
constexpr std::chrono::milliseconds kControlRunTimeout{5000};
// A free-running kernel serves a snapshot request at its next frame, or within
// hw::kIdleRestartCycles (~0.2 ms at 322 MHz) when idle, plus ~kCounterWords cycles for the
// copy; like the run timeout, this bounds a hung card.
constexpr std::chrono::milliseconds kSnapshotAckTimeout{1000};
// Polling the snapshot and bank ack words (one 8-byte sync from the device each).
constexpr std::chrono::microseconds kAckPoll{50};
// The kernel takes a mailbox write at its next restart: after the frame in progress, or
// within hw::kIdleRestartCycles when idle. XRT's mailbox calls have no timeout of their
// own; this bounds a hung kernel.
constexpr std::chrono::milliseconds kMailboxTimeout{1000};
// How long the destructor waits for a stopped free-running kernel before aborting the run.
constexpr std::chrono::milliseconds kStopTimeout{1000};
constexpr size_t kWord = card::kWordBytes;

[[noreturn]] void fail(Kind kind, const std::string& what) {
  throw CardError(kind, "xrt card: " + what);
}

// The BUILD_METADATA "vxsn" block must describe a kernel built against this driver's card
// memory layouts; anything else would misread every table the host writes.
void check_build_metadata(const std::vector<xclbin::Section>& sections) {
  const auto section = xclbin::find_section(sections, BUILD_METADATA);
  if (!section) fail(Kind::kBadXclbin, "xclbin has no BUILD_METADATA (not a vxsn xclbin)");
  const auto* text = reinterpret_cast<const char*>(section->data.data());
  const std::string json_text(text, strnlen(text, section->data.size()));
  nlohmann::json meta = nlohmann::json::parse(json_text, nullptr, false);
  if (meta.is_discarded()) fail(Kind::kBadXclbin, "BUILD_METADATA is not JSON");
  const nlohmann::json* vxsn = nullptr;
  if (meta.contains("build_metadata") && meta["build_metadata"].contains("vxsn"))
    vxsn = &meta["build_metadata"]["vxsn"];
  if (!vxsn || !vxsn->is_object())
    fail(Kind::kBadXclbin, "BUILD_METADATA has no vxsn block (not a vxsn xclbin)");

  auto expect = [&](const char* key, uint64_t want) {
    if (!vxsn->contains(key) || !(*vxsn)[key].is_number_unsigned())
      fail(Kind::kBadXclbin, std::string("BUILD_METADATA lacks vxsn.") + key);
    const uint64_t got = (*vxsn)[key].get<uint64_t>();
    if (got != want)
      fail(Kind::kBadXclbin, std::string("kernel built with ") + key + " " + std::to_string(got) +
                                 ", this driver has " + std::to_string(want));
  };
  expect(kMetaLayoutVersion, card::kLayoutVersion);
  expect(kMetaTableMemoryBytes, card::kTableMemoryBytes);
  expect(kMetaLearnRingBytes, card::kLearnRingBytes);
  expect(kMetaCounterWords, card::kCounterWords);
  expect(kMetaPuntRingBytes, card::kPuntRingBytes);
  expect(kMetaInjectRingBytes, card::kInjectRingBytes);
}

// The kernel XRT will bind must have exactly the datapath's signature: a missing or moved
// argument would make XRT write a buffer address into the wrong register.
void check_kernel(const xrt::xclbin& xb) {
  xrt::xclbin::kernel kernel;
  try {
    kernel = xb.get_kernel(kKernelName);
  } catch (const std::exception&) {
  }
  if (!kernel) fail(Kind::kBadXclbin, std::string("xclbin has no kernel '") + kKernelName + "'");

  static constexpr std::array<const char*, kArgCount> kNames = {
      "rx",       "tx",   "table_mem", "member_mem", "learn_ring",
      "counters", "ctrl", "command",   "punt_ring",  "inject_ring"};
  const std::vector<xrt::xclbin::arg> args = kernel.get_args();
  if (args.size() != kArgCount)
    fail(Kind::kBadXclbin, std::string("kernel '") + kKernelName + "' has " +
                               std::to_string(args.size()) + " arguments, the driver needs " +
                               std::to_string(kArgCount));
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].get_index() != i || args[i].get_name() != kNames[i])
      fail(Kind::kBadXclbin, "kernel argument " + std::to_string(i) + " is '" + args[i].get_name() +
                                 "', the driver needs '" + kNames[i] + "'");
  }
  if (args[kArgCtrl].get_size() != kControlImageBytes)
    fail(Kind::kBadXclbin, "kernel argument 'ctrl' is " +
                               std::to_string(args[kArgCtrl].get_size()) +
                               " bytes, the driver writes " + std::to_string(kControlImageBytes));

  auto check_memory = [&](int index, uint64_t bytes_needed) {
    const std::vector<xrt::xclbin::mem> mems = args[index].get_mems();
    if (mems.empty())
      fail(Kind::kBadXclbin,
           "kernel argument '" + args[index].get_name() + "' is not connected to card memory");
    const uint64_t bank_bytes = mems.front().get_size_kb() * 1024;
    if (bank_bytes < bytes_needed)
      fail(Kind::kTableTooLarge, "memory '" + mems.front().get_tag() + "' of argument '" +
                                     args[index].get_name() + "' holds " +
                                     std::to_string(bank_bytes) + " bytes, " +
                                     std::to_string(bytes_needed) + " needed");
  };
  check_memory(kArgTableMem, card::kTableMemoryBytes);
  check_memory(kArgMemberMem, card::kTableMemoryBytes);
  // One buffer is bound to both table arguments: they must sit in the same memory.
  if (args[kArgTableMem].get_mems().front().get_tag() !=
      args[kArgMemberMem].get_mems().front().get_tag())
    fail(Kind::kBadXclbin,
         "kernel arguments 'table_mem' and 'member_mem' are connected to "
         "different memories; the driver binds one table buffer to both");
  check_memory(kArgLearnRing, card::kLearnRingBytes);
  check_memory(kArgCounters, uint64_t{card::kCounterWords} * sizeof(uint64_t));
  check_memory(kArgPuntRing, card::kPuntRingBytes);
  check_memory(kArgInjectRing, card::kInjectRingBytes);
}

// Free-running (an auto-restart counter and a mailbox the host writes: the Vitis build) or
// per-call (neither: vxsn-xclbin's xclbin for the noop shim). Half of the pair cannot work:
// without the mailbox a running kernel's registers cannot change, without the counter the
// kernel cannot be started free.
bool free_running_kernel(const xclbin::KernelControl& c) {
  const std::string kernel = std::string("kernel '") + kKernelName + "'";
  if (c.auto_restart && !c.mailbox)
    fail(Kind::kBadXclbin, kernel +
                               " has an auto-restart counter but no mailbox the host can write "
                               "(mailbox=\"in\"/\"both\" missing); the driver needs both to "
                               "run it free, or neither to run it per call");
  if (c.mailbox && !c.auto_restart)
    fail(Kind::kBadXclbin, kernel +
                               " has a mailbox but no auto-restart counter "
                               "(countedAutoRestart missing); the driver needs both to run it "
                               "free, or neither to run it per call");
  return c.auto_restart;
}

struct CheckedXclbin {
  xrt::xclbin xclbin;
  bool free_running = false;
};

CheckedXclbin checked_xclbin(const std::filesystem::path& path) {
  std::vector<uint8_t> bytes;
  try {
    bytes = xclbin::read_file(path);
  } catch (const std::exception& e) {
    fail(Kind::kBadXclbin, e.what());
  }
  std::vector<xclbin::Section> sections;
  try {
    sections = xclbin::read_sections(bytes);
  } catch (const std::exception& e) {
    fail(Kind::kBadXclbin, path.string() + ": " + e.what());
  }
  check_build_metadata(sections);
  CheckedXclbin checked;
  try {
    checked.free_running = free_running_kernel(xclbin::read_kernel_control(sections, kKernelName));
  } catch (const CardError&) {
    throw;
  } catch (const std::exception& e) {
    fail(Kind::kBadXclbin, path.string() + ": " + e.what());
  }
  xrt::xclbin& xb = checked.xclbin;
  try {
    xb = xrt::xclbin(std::vector<char>(bytes.begin(), bytes.end()));
  } catch (const std::exception& e) {
    fail(Kind::kBadXclbin, path.string() + ": XRT cannot parse it: " + e.what());
  }
  try {
    check_kernel(xb);
  } catch (const CardError&) {
    throw;
  } catch (const std::exception& e) {  // XRT's metadata parser (malformed XML, ...)
    fail(Kind::kBadXclbin, path.string() + ": " + e.what());
  }
  return checked;
}

}  // namespace

struct XrtCard::Impl {
  explicit Impl(const XrtCardOptions& options);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void control_run_locked(hw::ControlRegs regs, uint32_t command);
  void start_datapath_locked();
  void stop_datapath() noexcept;
  void mailbox_write_locked(hw::ControlRegs regs);
  // configure/load_table/snapshot requests: a control run, or the mailbox when free-running.
  void write_registers_locked(const hw::ControlRegs& regs);
  // Polls counter block word `word` (synced from the device) until it holds `want`, on the
  // worker with a deadline. nullopt: it does; else the value last read when time ran out.
  // `what` names the wait in the errors thrown (a failed read, a read stuck in XRT).
  std::optional<uint64_t> await_counter_word_locked(unsigned word, uint64_t want,
                                                    std::chrono::milliseconds timeout,
                                                    const std::string& what);
  void wait_for_snapshot_ack_locked();
  void wait_for_bank_ack_locked();
  // A wait or call that outlived its deadline and is still blocked on the worker: the card
  // is marked failed (every later call throws at once) and this throws CardError{kIo}.
  [[noreturn]] void hung(const std::string& what);
  // Throws CardError{kIo} if the card was marked failed.
  void check_usable_locked() const;
  void write_bank_locked(unsigned bank, std::span<const uint8_t> image);
  std::vector<uint64_t> read_counter_block_locked();

  mutable std::mutex mutex;
  unsigned device_index;
  xrt::xclbin xclbin;
  xrt::device device;
  xrt::uuid uuid;
  xrt::kernel kernel;
  xrt::bo table_mem;
  std::array<xrt::bo, card::kBankCount> banks;  // sub-buffers of table_mem
  xrt::bo learn_ring;
  xrt::bo counters;
  xrt::bo punt_ring;
  xrt::bo inject_ring;
  xrt::run run;  // control runs; free-running: also the one endless kCmdFrame run
  bool free_running = false;
  bool datapath_running = false;
  std::optional<xrt::mailbox> mailbox;  // of `run` while it runs free

  CardControl control;
  unsigned active_bank = 0;
  BankSummary active;
  uint64_t tables_loaded = 0;
  XrtHostRecord record;
  uint8_t snapshot_request = 0;  // the last counter snapshot request number written
  uint32_t inject_producer = 0;  // the inject ring's producer index (a register)
  hw::ControlRegs last_regs;     // the registers of the last control run
  std::string failure;           // why the card was marked failed ("": usable)

  // Bounded waits on the card (mailbox, ack words). Its tasks hold XRT handles of their
  // own (shared ownership), so one stuck in XRT outlives this object safely. Last member:
  // destroyed first.
  DeadlineWorker worker;
};

XrtCard::Impl::Impl(const XrtCardOptions& options)
    : device_index(options.device_index), control(options.control) {
  // Everything that can be checked without the device is, so a bad xclbin or bad control
  // settings never reach it.
  CheckedXclbin checked = checked_xclbin(options.xclbin);
  xclbin = std::move(checked.xclbin);
  free_running = checked.free_running;
  record.free_running = free_running;
  const hw::ControlRegs initial_regs = encode_control(control, 0);
  const std::vector<uint8_t> empty_bank = serialise_bank(CardTableSpec{});

  try {
    device = xrt::device(device_index);
  } catch (const std::exception& e) {
    fail(Kind::kNoDevice, "no XRT device " + std::to_string(device_index) + ": " + e.what());
  }
  try {
    uuid = device.load_xclbin(xclbin);
    // XRT starts a kernel free only when this process owns its compute unit.
    kernel = xrt::kernel(device, uuid, kKernelName,
                         free_running ? xrt::kernel::cu_access_mode::exclusive
                                      : xrt::kernel::cu_access_mode::shared);
  } catch (const std::exception& e) {
    fail(Kind::kBadXclbin, "device " + std::to_string(device_index) + " refuses " +
                               options.xclbin.string() + ": " + e.what());
  }
  try {
    auto group = [&](int arg) { return static_cast<xrt::memory_group>(kernel.group_id(arg)); };
    table_mem = xrt::bo(device, card::kTableMemoryBytes, group(kArgTableMem));
    for (unsigned b = 0; b < card::kBankCount; ++b)
      banks[b] = xrt::bo(table_mem, card::kBankBytes, size_t{b} * card::kBankBytes);
    learn_ring = xrt::bo(device, card::kLearnRingBytes, group(kArgLearnRing));
    counters = xrt::bo(device, size_t{card::kCounterWords} * sizeof(uint64_t), group(kArgCounters));
    record.table_group = static_cast<int>(table_mem.get_memory_group());
    record.learn_group = static_cast<int>(learn_ring.get_memory_group());
    record.counter_group = static_cast<int>(counters.get_memory_group());
    punt_ring = xrt::bo(device, card::kPuntRingBytes, group(kArgPuntRing));
    inject_ring = xrt::bo(device, card::kInjectRingBytes, group(kArgInjectRing));

    for (unsigned b = 0; b < card::kBankCount; ++b) write_bank_locked(b, empty_bank);
    std::vector<uint8_t> zeros(std::max<size_t>(card::kLearnRingBytes, counters.size()), 0);
    learn_ring.write(zeros.data(), card::kLearnRingBytes, 0);
    learn_ring.sync(XCL_BO_SYNC_BO_TO_DEVICE);
    counters.write(zeros.data(), counters.size(), 0);
    counters.sync(XCL_BO_SYNC_BO_TO_DEVICE);
    // Only the two index words: the kernel writes a slot before it publishes it.
    punt_ring.write(zeros.data(), 2 * kWord, 0);
    punt_ring.sync(XCL_BO_SYNC_BO_TO_DEVICE, 2 * kWord, 0);
    // The kernel's consumer word; the producer is a register, 0 with the reset run below.
    inject_ring.write(zeros.data(), kWord, 0);
    inject_ring.sync(XCL_BO_SYNC_BO_TO_DEVICE, kWord, 0);

    run = xrt::run(kernel);
    run.set_arg(kArgTableMem, table_mem);
    run.set_arg(kArgMemberMem, table_mem);  // the same buffer: the member records' own port
    run.set_arg(kArgLearnRing, learn_ring);
    run.set_arg(kArgCounters, counters);
    run.set_arg(kArgPuntRing, punt_ring);
    run.set_arg(kArgInjectRing, inject_ring);
  } catch (const CardError&) {
    throw;
  } catch (const std::exception& e) {
    fail(Kind::kIo, "setting up card memory: " + std::string(e.what()));
  }
  active = inspect_bank_image(empty_bank);
  control_run_locked(initial_regs, hw::kCmdReset);
  if (free_running) start_datapath_locked();
}

XrtCard::Impl::~Impl() {
  stop_datapath();
}

// The one endless run: kCmdFrame restarted by the kernel itself after every frame (or idle
// timeout), with the registers of the reset run until the mailbox brings new ones.
void XrtCard::Impl::start_datapath_locked() {
  try {
    run.set_arg(kArgCommand, hw::kCmdFrame);
    run.start(xrt::autostart{});  // 0 iterations: until stopped
  } catch (const std::exception& e) {
    fail(Kind::kIo, "starting the datapath free-running: " + std::string(e.what()));
  }
  datapath_running = true;  // from here on the destructor (or the catch below) stops it
  try {
    mailbox.emplace(run);
  } catch (const std::exception& e) {
    stop_datapath();  // a throwing constructor runs no destructor
    fail(Kind::kIo, "opening the kernel's mailbox: " + std::string(e.what()));
  }
  record.last_command = hw::kCmdFrame;
}

void XrtCard::Impl::stop_datapath() noexcept {
  if (!datapath_running) return;
  datapath_running = false;
  try {
    mailbox.reset();
    run.stop();  // at the end of the current iteration
    if (run.wait(kStopTimeout) == ERT_CMD_STATE_TIMEOUT) run.abort();
  } catch (const std::exception&) {
    // Closing anyway: XRT releases the compute unit with the kernel object.
  }
}

void XrtCard::Impl::write_bank_locked(unsigned bank, std::span<const uint8_t> image) {
  try {
    banks[bank].write(image.data(), image.size(), 0);
    banks[bank].sync(XCL_BO_SYNC_BO_TO_DEVICE);
  } catch (const std::exception& e) {
    fail(Kind::kIo, "writing table bank " + std::to_string(bank) + ": " + e.what());
  }
  ++record.bank_writes[bank];
}

void XrtCard::Impl::control_run_locked(hw::ControlRegs regs, uint32_t command) {
  regs.counter_snapshot = snapshot_request;
  regs.inject_producer = inject_producer;  // a request already served stays served
  const ControlImage image = control_image(regs);
  ert_cmd_state state = ERT_CMD_STATE_NEW;
  try {
    run.set_arg(kArgCtrl, image);  // passes sizeof(image) bytes
    run.set_arg(kArgCommand, command);
    run.start();
    state = run.wait(kControlRunTimeout);
  } catch (const std::exception& e) {
    fail(Kind::kIo, "control run: " + std::string(e.what()));
  }
  if (state != ERT_CMD_STATE_COMPLETED)
    fail(Kind::kIo, "control run ended in state " + std::to_string(state));
  ++record.control_runs;
  record.control = image;
  record.last_command = command;
  last_regs = regs;
}

// The kernel copies the mailbox into its registers at its next restart; set_arg waits for a
// previous write to be taken and get_arg for this one, so on return the registers are in
// effect, as after a control run. XRT gives neither call a timeout (an idle kernel
// restarts every hw::kIdleRestartCycles, a hung one never): they run on the worker with
// kMailboxTimeout, holding their own handle of the mailbox, and a kernel that does not take
// the write marks the card failed.
void XrtCard::Impl::mailbox_write_locked(hw::ControlRegs regs) {
  regs.counter_snapshot = snapshot_request;
  regs.inject_producer = inject_producer;
  const ControlImage image = control_image(regs);
  DeadlineOutcome outcome = DeadlineOutcome::kDone;
  try {
    outcome =
        worker.run(kMailboxTimeout, [box = *mailbox, image](const std::atomic<bool>&) mutable {
          box.set_arg(kArgCtrl, image);
          box.write();
          box.get_arg(kArgCtrl);
        });
  } catch (const std::exception& e) {
    fail(Kind::kIo, "mailbox write: " + std::string(e.what()));
  }
  if (outcome != DeadlineOutcome::kDone)
    hung("the kernel did not take the mailbox write of its control registers " +
         within(kMailboxTimeout) + " (kernel hung?)");
  ++record.mailbox_writes;
  record.control = image;
  last_regs = regs;
}

void XrtCard::Impl::write_registers_locked(const hw::ControlRegs& regs) {
  if (free_running)
    mailbox_write_locked(regs);
  else
    control_run_locked(regs, hw::kCmdControl);
}

std::optional<uint64_t> XrtCard::Impl::await_counter_word_locked(unsigned word, uint64_t want,
                                                                 std::chrono::milliseconds timeout,
                                                                 const std::string& what) {
  const size_t offset = size_t{word} * sizeof(uint64_t);
  // The probe's own handle of the buffer and the last value read: shared with the worker.
  auto seen = std::make_shared<std::atomic<uint64_t>>(0);
  auto probe = [bo = counters, offset, want, seen]() mutable {
    uint64_t value = 0;
    bo.sync(XCL_BO_SYNC_BO_FROM_DEVICE, sizeof(value), offset);
    bo.read(&value, sizeof(value), offset);
    seen->store(value);
    return value == want;
  };
  DeadlineOutcome outcome = DeadlineOutcome::kDone;
  try {
    outcome = worker.poll(timeout, kAckPoll, probe);
  } catch (const std::exception& e) {
    fail(Kind::kIo, "reading the " + what + " ack: " + e.what());
  }
  if (outcome == DeadlineOutcome::kStuck)
    hung("reading the " + what + " ack did not return " + within(timeout));
  if (outcome == DeadlineOutcome::kTimedOut) return seen->load();
  return std::nullopt;
}

// A free-running kernel serves the request between frames and then writes its number into
// the ack word, after every other word of the block.
void XrtCard::Impl::wait_for_snapshot_ack_locked() {
  const std::string what = "counter snapshot " + std::to_string(snapshot_request);
  if (const auto ack = await_counter_word_locked(card::kCtrSnapshotAck, snapshot_request,
                                                 kSnapshotAckTimeout, what))
    fail(Kind::kIo, what + " not acknowledged " + within(kSnapshotAckTimeout) + " (ack word " +
                        std::to_string(*ack) + ")");
}

// The kernel acknowledges a flip once no frame that latched the old bank is left in its
// pipeline (hls/counters.hpp, "Bank ack").
void XrtCard::Impl::wait_for_bank_ack_locked() {
  ++record.bank_ack_waits;
  if (const auto ack =
          await_counter_word_locked(card::kCtrBankAck, active_bank, kBankAckTimeout, "table bank"))
    throw bank_ack_timeout(active_bank, *ack);
}

void XrtCard::Impl::hung(const std::string& what) {
  failure = what;
  fail(Kind::kIo, what + "; the card is marked failed: every call fails until it is reopened");
}

void XrtCard::Impl::check_usable_locked() const {
  if (!failure.empty())
    fail(Kind::kIo, "card marked failed earlier (" + failure + "); reopen it (restart vxsnd)");
}

XrtCard::XrtCard(const XrtCardOptions& options) : impl_(std::make_unique<Impl>(options)) {}

XrtCard::~XrtCard() = default;

void XrtCard::configure(const CardControl& control) {
  std::lock_guard lock(impl_->mutex);
  impl_->check_usable_locked();
  const hw::ControlRegs regs =
      encode_control(control, static_cast<uint8_t>(impl_->active_bank));  // throws first
  impl_->write_registers_locked(regs);
  impl_->control = control;
}

void XrtCard::load_table(std::span<const uint8_t> bank_image) {
  std::lock_guard lock(impl_->mutex);
  impl_->check_usable_locked();
  BankSummary summary = inspect_bank_image(bank_image);  // throws before anything is written
  const unsigned idle = 1u - impl_->active_bank;
  const hw::ControlRegs regs = encode_control(impl_->control, static_cast<uint8_t>(idle));
  // Free-running: frames that latched the idle bank before the last flip may still be in
  // the kernel's pipeline; wait for the kernel to acknowledge that flip first. Per-call:
  // no wait. Every control run has completed when it returns, and nothing runs kCmdFrame,
  // so no frame can be in flight (and under the noop shim, where no kernel runs, the ack
  // word never moves).
  if (impl_->free_running) impl_->wait_for_bank_ack_locked();
  // The kernel reads only the active bank, so a failure here leaves it untouched.
  impl_->write_bank_locked(idle, bank_image);
  impl_->write_registers_locked(regs);
  impl_->active_bank = idle;
  impl_->active = std::move(summary);
  ++impl_->tables_loaded;
}

std::vector<uint64_t> XrtCard::Impl::read_counter_block_locked() {
  // The counters live on chip; ask for a snapshot into the block first. A control run
  // completes (ap_done) after the copy and its acknowledgement word, so the block is whole
  // when wait() returns; a free-running kernel is asked through the mailbox and the ack word
  // polled. (Under the noop shim no kernel runs and the block stays as written.)
  snapshot_request = hw::next_snapshot_request(snapshot_request);
  write_registers_locked(last_regs);
  if (free_running) wait_for_snapshot_ack_locked();
  ++record.counter_snapshots;
  std::vector<uint64_t> block(card::kCounterWords);
  try {
    counters.sync(XCL_BO_SYNC_BO_FROM_DEVICE);
    counters.read(block.data(), block.size() * sizeof(uint64_t), 0);
  } catch (const std::exception& e) {
    fail(Kind::kIo, "reading counters: " + std::string(e.what()));
  }
  ++record.counter_syncs;
  return block;
}

CardCounters XrtCard::read_counters() {
  std::lock_guard lock(impl_->mutex);
  impl_->check_usable_locked();
  return decode_counters(impl_->read_counter_block_locked(), impl_->active);
}

CardSlotCounters XrtCard::read_counter_slot(uint16_t slot) {
  std::lock_guard lock(impl_->mutex);
  impl_->check_usable_locked();
  return decode_counter_slot(impl_->read_counter_block_locked(), slot);
}

size_t XrtCard::drain_learn_events(std::vector<LearnEvent>& out) {
  std::lock_guard lock(impl_->mutex);
  impl_->check_usable_locked();
  std::vector<uint8_t> ring(card::kLearnRingBytes);
  try {
    impl_->learn_ring.sync(XCL_BO_SYNC_BO_FROM_DEVICE);
    impl_->learn_ring.read(ring.data(), ring.size(), 0);
  } catch (const std::exception& e) {
    fail(Kind::kIo, "reading the learn ring: " + std::string(e.what()));
  }
  ++impl_->record.learn_syncs;
  const uint32_t producer = get_le32(ring.data() + card::kLearnProducerWord * kWord);
  uint32_t consumer = get_le32(ring.data() + card::kLearnConsumerWord * kWord);
  if (producer - consumer > card::kLearnRingEntries)
    fail(Kind::kIo, "learn ring indices out of step (producer " + std::to_string(producer) +
                        ", consumer " + std::to_string(consumer) + ")");
  size_t n = 0;
  for (; consumer != producer; ++consumer, ++n) {
    const size_t word = card::kLearnFirstEventWord + consumer % card::kLearnRingEntries;
    out.push_back(decode_learn_event(ring.data() + word * kWord));
  }
  if (n == 0) return 0;
  std::array<uint8_t, kWord> consumer_word{};
  put_le32(consumer_word.data(), consumer);
  try {
    impl_->learn_ring.write(consumer_word.data(), kWord, card::kLearnConsumerWord * kWord);
    impl_->learn_ring.sync(XCL_BO_SYNC_BO_TO_DEVICE, kWord, card::kLearnConsumerWord * kWord);
  } catch (const std::exception& e) {
    fail(Kind::kIo, "freeing learn ring slots: " + std::string(e.what()));
  }
  return n;
}

// Only what is needed crosses PCIe: the two index words, then per frame its header word
// and its own length (rounded to words), never the whole 580 KB ring.
size_t XrtCard::drain_punted_frames(std::vector<PuntedFrame>& out) {
  std::lock_guard lock(impl_->mutex);
  xrt::bo& ring = impl_->punt_ring;
  std::array<uint8_t, 2 * kWord> indices{};
  try {
    ring.sync(XCL_BO_SYNC_BO_FROM_DEVICE, indices.size(), 0);
    ring.read(indices.data(), indices.size(), 0);
  } catch (const std::exception& e) {
    fail(Kind::kIo, "reading the punt ring: " + std::string(e.what()));
  }
  const uint32_t producer = get_le32(indices.data() + card::kPuntProducerWord * kWord);
  uint32_t consumer = get_le32(indices.data() + card::kPuntConsumerWord * kWord);
  check_punt_indices(producer, consumer);
  if (producer == consumer) return 0;
  std::vector<uint8_t> slot(card::kPuntSlotWords * kWord);
  size_t n = 0;
  for (; consumer != producer; ++consumer, ++n) {
    const size_t at = size_t{card::punt_slot_word(consumer)} * kWord;
    try {
      ring.sync(XCL_BO_SYNC_BO_FROM_DEVICE, kWord, at);
      ring.read(slot.data(), kWord, at);
      const size_t length = std::min<size_t>(get_le32(slot.data() + card::kPuntLength),
                                             card::kPuntSlotFrameBytes + 1);  // checked below
      const size_t bytes =
          std::min<size_t>((length + kWord - 1) / kWord * kWord, card::kPuntSlotFrameBytes);
      if (bytes > 0) {
        ring.sync(XCL_BO_SYNC_BO_FROM_DEVICE, bytes, at + kWord);
        ring.read(slot.data() + kWord, bytes, at + kWord);
      }
    } catch (const std::exception& e) {
      fail(Kind::kIo, "reading a punt ring slot: " + std::string(e.what()));
    }
    out.push_back(decode_punt_slot(slot.data()));
  }
  std::array<uint8_t, kWord> consumer_word{};
  put_le32(consumer_word.data(), consumer);
  try {
    ring.write(consumer_word.data(), kWord, card::kPuntConsumerWord * kWord);
    ring.sync(XCL_BO_SYNC_BO_TO_DEVICE, kWord, card::kPuntConsumerWord * kWord);
  } catch (const std::exception& e) {
    fail(Kind::kIo, "freeing punt ring slots: " + std::string(e.what()));
  }
  return n;
}

// A slot and then the producer register: the kernel never sees a half-written frame. The
// consumer word is the one read before; it only grows, so a stale one errs on "full".
bool XrtCard::inject_frame(uint16_t port, std::span<const uint8_t> frame) {
  std::lock_guard lock(impl_->mutex);
  impl_->check_usable_locked();
  std::vector<uint8_t> slot(size_t{card::kInjectSlotWords} * kWord);
  const size_t bytes = encode_inject_slot(port, frame, slot.data());  // kBadFrame first
  xrt::bo& ring = impl_->inject_ring;
  std::array<uint8_t, kWord> consumer_word{};
  try {
    ring.sync(XCL_BO_SYNC_BO_FROM_DEVICE, kWord, card::kInjectConsumerWord * kWord);
    ring.read(consumer_word.data(), kWord, card::kInjectConsumerWord * kWord);
  } catch (const std::exception& e) {
    fail(Kind::kIo, "reading the inject ring: " + std::string(e.what()));
  }
  const uint32_t producer = impl_->inject_producer;
  const uint32_t consumer = get_le32(consumer_word.data());
  check_inject_indices(producer, consumer);
  if (producer - consumer == card::kInjectRingSlots) return false;
  const size_t at = size_t{card::inject_slot_word(producer)} * kWord;
  try {
    ring.write(slot.data(), bytes, at);
    ring.sync(XCL_BO_SYNC_BO_TO_DEVICE, bytes, at);
  } catch (const std::exception& e) {
    fail(Kind::kIo, "writing an inject ring slot: " + std::string(e.what()));
  }
  impl_->inject_producer = producer + 1;
  impl_->write_registers_locked(impl_->last_regs);  // now with the new producer index
  ++impl_->record.injected;
  return true;
}

std::vector<uint8_t> XrtCard::read_inject_slot(uint32_t index) {
  std::lock_guard lock(impl_->mutex);
  std::vector<uint8_t> slot(size_t{card::kInjectSlotWords} * kWord);
  const size_t at = size_t{card::inject_slot_word(index)} * kWord;
  try {
    impl_->inject_ring.sync(XCL_BO_SYNC_BO_FROM_DEVICE, slot.size(), at);
    impl_->inject_ring.read(slot.data(), slot.size(), at);
  } catch (const std::exception& e) {
    fail(Kind::kIo, "reading an inject ring slot: " + std::string(e.what()));
  }
  return slot;
}

CardStatus XrtCard::status() {
  std::lock_guard lock(impl_->mutex);
  CardStatus s;
  s.backend = "xrt";
  s.device = "xrt:" + std::to_string(impl_->device_index);
  try {
    s.device += " " + impl_->device.get_info<xrt::info::device::name>();
  } catch (const std::exception&) {
    // The noop shim answers no device queries; the index is name enough.
  }
  s.kernel_version = std::string(kKernelName) + " xclbin " + impl_->uuid.to_string();
  s.layout_version = card::kLayoutVersion;
  s.enabled = impl_->control.enable;
  s.active_bank = impl_->active_bank;
  s.table_version = impl_->active.table_version;
  s.vni_count = static_cast<uint32_t>(impl_->active.vnis.size());
  s.vni_capacity = card::kMaxVniSlots / 2;
  s.member_count = impl_->active.member_count;
  s.member_capacity = card::kMaxMembers;
  s.tables_loaded = impl_->tables_loaded;
  s.run_mode = impl_->free_running ? "free-running" : "per-call";
  return s;
}

XrtHostRecord XrtCard::host_record() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->record;
}

std::vector<uint8_t> XrtCard::read_table_bank(unsigned bank) {
  std::lock_guard lock(impl_->mutex);
  impl_->check_usable_locked();
  if (bank >= card::kBankCount) fail(Kind::kBadConfig, "no table bank " + std::to_string(bank));
  std::vector<uint8_t> bytes(card::kBankBytes);
  try {
    impl_->banks[bank].sync(XCL_BO_SYNC_BO_FROM_DEVICE);
    impl_->banks[bank].read(bytes.data(), bytes.size(), 0);
  } catch (const std::exception& e) {
    fail(Kind::kIo, "reading table bank " + std::to_string(bank) + ": " + e.what());
  }
  return bytes;
}

}  // namespace vxsn
