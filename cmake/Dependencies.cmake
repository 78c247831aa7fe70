# Every external dependency, found once. All come from Debian 12 packages
# (scripts/install-deps.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(DPDK REQUIRED IMPORTED_TARGET libdpdk)
pkg_check_modules(MNL REQUIRED IMPORTED_TARGET libmnl)
pkg_check_modules(URCU REQUIRED IMPORTED_TARGET liburcu)
pkg_check_modules(PCAP REQUIRED IMPORTED_TARGET libpcap)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)  # sd_notify (vxsnd as a service)
find_package(tomlplusplus REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(cppzmq REQUIRED)  # HA replication (host/ha)

if(VXSN_BUILD_TESTS)
  find_package(GTest REQUIRED)
  find_package(benchmark REQUIRED)
endif()

# clang compiles the AF_XDP steering program (driver/xdp).
find_program(VXSN_CLANG clang REQUIRED)

# civetweb (the Prometheus endpoint). Debian's CMake package config refers to a server binary
# the -dev package does not ship, so the header and library are found directly.
find_path(CIVETWEB_INCLUDE_DIR civetweb.h REQUIRED)
find_library(CIVETWEB_LIBRARY civetweb REQUIRED)
add_library(VxsnCivetweb INTERFACE)
target_include_directories(VxsnCivetweb INTERFACE ${CIVETWEB_INCLUDE_DIR})
target_link_libraries(VxsnCivetweb INTERFACE ${CIVETWEB_LIBRARY} Threads::Threads ${CMAKE_DL_LIBS})
