// Whether this translation unit is built with AddressSanitizer (or its hardware-assisted
// variant). Pools of our own (coroutine frames, store nodes) hand memory to the heap instead
// when it is: a block kept in a pool's free list is never poisoned, so a use after free would go
// unreported.
#pragma once

namespace txsim::sim {

// GCC defines __SANITIZE_ADDRESS__ (and __SANITIZE_HWADDRESS__); clang reports through
// __has_feature.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_HWADDRESS__)
inline constexpr bool kAddressSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(hwaddress_sanitizer)
inline constexpr bool kAddressSanitized = true;
#else
inline constexpr bool kAddressSanitized = false;
#endif
#else
inline constexpr bool kAddressSanitized = false;
#endif

}  // namespace txsim::sim
