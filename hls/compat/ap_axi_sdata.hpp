// Self-written stand-in for Vitis HLS's AXI4-Stream side-channel beat, ap_axiu<D, U, TI, TD>
// (see hls/hls_types.hpp). Same member names as Vitis: data, keep, strb, user, last, id, dest.
// Zero-width side channels (U, TI or TD = 0) are stored as one unused bit.
#pragma once

#include "hls/compat/ap_int.hpp"

template <int D, int U, int TI, int TD>
struct ap_axiu {
  static_assert(D % 8 == 0, "AXI4-Stream data is whole bytes");
  ap_uint<D> data;
  ap_uint<D / 8> keep;  // byte i of data valid
  ap_uint<D / 8> strb;
  ap_uint<(U > 0 ? U : 1)> user;
  ap_uint<1> last;  // final beat of the packet
  ap_uint<(TI > 0 ? TI : 1)> id;
  ap_uint<(TD > 0 ? TD : 1)> dest;
};
