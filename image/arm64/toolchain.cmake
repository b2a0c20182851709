# Cross build for the Raspberry Pi (Debian 12 arm64) on an x86_64 Debian 12
# machine: Debian's cross compiler (gcc-aarch64-linux-gnu) against the sysroot
# that image/arm64/sysroot.sh unpacks (build/sysroot-arm64 by default); the
# programs run under qemu-aarch64-static (qemu-user-static), at build time
# (echowall-rime-deploy) and in ctest. `cmake --preset arm64` uses this file.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

# The sysroot: $ECHOWALL_ARM64_SYSROOT, else -DEW_ARM64_SYSROOT=DIR, else
# build/sysroot-arm64; kept in the cache, so that a rebuild that configures
# again finds the same one without the variable.
if(DEFINED ENV{ECHOWALL_ARM64_SYSROOT} AND NOT "$ENV{ECHOWALL_ARM64_SYSROOT}" STREQUAL "")
  set(ew_sysroot "$ENV{ECHOWALL_ARM64_SYSROOT}")
elseif(EW_ARM64_SYSROOT)
  set(ew_sysroot "${EW_ARM64_SYSROOT}")
else()
  set(ew_sysroot "${CMAKE_CURRENT_LIST_DIR}/../../build/sysroot-arm64")
endif()
get_filename_component(ew_sysroot "${ew_sysroot}" ABSOLUTE)
set(EW_ARM64_SYSROOT "${ew_sysroot}" CACHE PATH "The arm64 sysroot (image/arm64/sysroot.sh)" FORCE)
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EW_ARM64_SYSROOT)
if(NOT EXISTS "${ew_sysroot}/lib/ld-linux-aarch64.so.1")
  message(FATAL_ERROR "No arm64 sysroot at ${ew_sysroot}: make it first with "
    "`sh image/arm64/sysroot.sh` (or set ECHOWALL_ARM64_SYSROOT)")
endif()

set(CMAKE_SYSROOT "${ew_sysroot}")
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_C_COMPILER_TARGET aarch64-linux-gnu)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Headers, libraries and packages from the sysroot only; programs from the host.
set(CMAKE_FIND_ROOT_PATH "${ew_sysroot}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config reads the sysroot's .pc files and nothing of the host's.
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${ew_sysroot}")
set(ENV{PKG_CONFIG_LIBDIR}
  "${ew_sysroot}/usr/lib/aarch64-linux-gnu/pkgconfig:${ew_sysroot}/usr/lib/pkgconfig:${ew_sysroot}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Build-time tools and tests run under qemu-user with the sysroot's dynamic
# loader and libraries. Programs that the tests start themselves (tests/*.sh,
# system() in a test) need binfmt_misc to know qemu-aarch64
# (image/arm64/binfmt.sh) and QEMU_LD_PREFIX, which tests/CMakeLists.txt
# gives every test.
find_program(EW_QEMU_AARCH64 qemu-aarch64-static)
if(NOT EW_QEMU_AARCH64)
  message(FATAL_ERROR "qemu-aarch64-static not found (Debian package qemu-user-static)")
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR "${EW_QEMU_AARCH64};-L;${ew_sysroot}")
