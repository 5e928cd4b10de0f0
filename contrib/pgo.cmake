# SPDX-License-Identifier: GPL-2.0-or-later
# pgo.cmake: vigild built with gcc's profile-guided and link-time
# optimization at -O3 (option VG_PGO, on by default for gcc release
# builds).
#   1. build/pgo/gen: this source tree configured again with
#      -fprofile-generate and the same flags, vigild and vigilctl
#      (ExternalProject; no unit tests);
#   2. contrib/pgo-train.sh replays the ab capture, a generated log and
#      the corpus logs with it, leaving the profile in build/pgo/data;
#   3. vigilcore and vigild are compiled with -fprofile-use and linked with
#      -flto. -fprofile-prefix-path makes the profile's file names relative
#      to each build directory, so step 3 finds step 1's; code the training
#      never ran is optimized as without a profile
#      (-fprofile-partial-training).
# The library's objects are fat (-ffat-lto-objects): the unit tests link
# them without LTO. A change to a source rebuilds both copies and trains
# again; -DVG_PGO=OFF for quick edit-compile cycles. Fixed-replay figures
# with and without it are in bench/README.md.
option(VG_PGO "gcc: optimize vigild with a profile of its own replays and LTO"
    ON)
if(NOT VG_PGO)
	return()
endif()
if(NOT CMAKE_C_COMPILER_ID STREQUAL "GNU" OR VG_SANITIZE OR VG_FUZZ OR
    CMAKE_BUILD_TYPE STREQUAL "Debug")
	message(STATUS "pgo: off (gcc release builds only)")
	return()
endif()
find_program(VG_XZ xz)
if(NOT VG_XZ)
	message(STATUS "pgo: off (xz not found, it unpacks the training log)")
	return()
endif()

include(ExternalProject)
# the instrumented build must compile exactly as this one does (its
# profile is refused where a function's control flow differs)
string(TOUPPER "${CMAKE_BUILD_TYPE}" VG_PGO_CFG)
set(VG_PGO_GEN ${CMAKE_BINARY_DIR}/pgo/gen)
set(VG_PGO_DATA ${CMAKE_BINARY_DIR}/pgo/data)
set(VG_PGO_STAMP ${CMAKE_BINARY_DIR}/pgo/trained.stamp)
ExternalProject_Add(vigild_pgo_gen
    SOURCE_DIR ${CMAKE_SOURCE_DIR}
    BINARY_DIR ${VG_PGO_GEN}
    CMAKE_ARGS -DVG_PGO=OFF -DVG_UNIT_TESTS=OFF
	-DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
	"-DCMAKE_C_FLAGS_${VG_PGO_CFG}=${CMAKE_C_FLAGS_${VG_PGO_CFG}} -O3"
	-DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
	-DCMAKE_INSTALL_PREFIX=${CMAKE_INSTALL_PREFIX}
	"-DCMAKE_C_FLAGS=${CMAKE_C_FLAGS} -fprofile-generate=${VG_PGO_DATA} -fprofile-prefix-path=${VG_PGO_GEN}"
    BUILD_ALWAYS ON
    BUILD_BYPRODUCTS ${VG_PGO_GEN}/vigild
    INSTALL_COMMAND ""
    EXCLUDE_FROM_ALL ON)
add_custom_command(OUTPUT ${VG_PGO_STAMP}
    COMMAND sh ${CMAKE_SOURCE_DIR}/contrib/pgo-train.sh ${VG_PGO_GEN}/vigild
	${VG_PGO_DATA} ${CMAKE_SOURCE_DIR}
    COMMAND ${CMAKE_COMMAND} -E touch ${VG_PGO_STAMP}
    DEPENDS ${VG_PGO_GEN}/vigild ${CMAKE_SOURCE_DIR}/contrib/pgo-train.sh
	vigild_pgo_gen
    COMMENT "pgo: training run of the instrumented vigild")
add_custom_target(vigild_pgo_train DEPENDS ${VG_PGO_STAMP})
add_dependencies(vigilcore vigild_pgo_train)

# -O3 in both builds (last, so it wins over the build type's -O2): with
# a profile its unrolling and inlining go where the counts are
set(VG_PGO_USE -O3 -fprofile-use=${VG_PGO_DATA}
    -fprofile-prefix-path=${CMAKE_BINARY_DIR} -fprofile-partial-training
    -Wno-missing-profile)
target_compile_options(vigilcore PRIVATE ${VG_PGO_USE} -flto=auto
    -ffat-lto-objects)
target_compile_options(vigild PRIVATE ${VG_PGO_USE} -flto=auto)
target_link_options(vigild PRIVATE -O3 -flto=auto)
# every object follows the profile of the latest training
get_target_property(VG_PGO_SRC vigilcore SOURCES)
set_source_files_properties(${VG_PGO_SRC} src/vigild.c PROPERTIES
    OBJECT_DEPENDS ${VG_PGO_STAMP})
message(STATUS "pgo: on (vigild trained on bench/data/ab60k.log.xz, a "
    "generated log and the corpus logs; -DVG_PGO=OFF to build without)")
