# Vitis HLS settings the host relies on (driver/xrt/xrt_card.cpp), read by `v++ -c` through
# --hls.pre_tcl. The kernel runs free on the card: the host starts it once with
# xrt::autostart (ap_ctrl_chain with the auto-restart counter), changes its registers
# while it runs through xrt::mailbox (copied in at the next restart; an idle kernel
# restarts every hw::kIdleRestartCycles), and stops it with a software reset.
config_interface -s_axilite_mailbox both
config_interface -s_axilite_auto_restart_counter 1
config_interface -s_axilite_sw_reset
