# One shape for every module: np_add_library() builds libs/<concern> with its public headers under
# include/nationpulse/<concern>/ and registers the *_test.cpp files beside the sources with ctest.

set(NP_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
                -Wunused -Woverloaded-virtual -Wimplicit-fallthrough)
# GCC 12 reports -Wrestrict false positives for std::string concatenation at -O2/-O3
# (GCC bug 105651); the warning is off rather than rewriting correct code around it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND NP_WARNINGS -Wno-restrict)
endif()
if(NP_WERROR)
  list(APPEND NP_WARNINGS -Werror)
endif()

if(NP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

find_package(GTest REQUIRED)
include(GoogleTest)

# np_add_library(<concern> SOURCES ... [DEPS ...] [TESTS ...] [INTEGRATION_TESTS ...] [TEST_DEPS ...])
# Creates target np_<concern> (alias nationpulse::<concern>). TESTS get ctest label "unit",
# INTEGRATION_TESTS (need Postgres/Redis/Kafka from scripts/infra.sh) get label "integration".
function(np_add_library concern)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;TESTS;INTEGRATION_TESTS;TEST_DEPS" ${ARGN})
  set(target np_${concern})
  if(ARG_SOURCES)
    add_library(${target} STATIC ${ARG_SOURCES})
    target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                         PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${ARG_DEPS})
    target_compile_options(${target} PRIVATE ${NP_WARNINGS})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(${target} INTERFACE ${ARG_DEPS})
  endif()
  add_library(nationpulse::${concern} ALIAS ${target})
  if(ARG_TESTS)
    np_add_test(${concern}_test LABEL unit SOURCES ${ARG_TESTS} DEPS ${target} ${ARG_TEST_DEPS})
  endif()
  if(ARG_INTEGRATION_TESTS)
    np_add_test(${concern}_integration_test LABEL integration SOURCES ${ARG_INTEGRATION_TESTS}
                DEPS ${target} ${ARG_TEST_DEPS})
  endif()
endfunction()

# np_add_test(<name> LABEL unit|integration SOURCES ... DEPS ...)
function(np_add_test name)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_options(${name} PRIVATE ${NP_WARNINGS})
  if(ARG_LABEL STREQUAL "integration")
    # Integration suites share one set of servers: run them one at a time.
    gtest_discover_tests(${name} PROPERTIES LABELS ${ARG_LABEL} RUN_SERIAL TRUE TIMEOUT 120
                         DISCOVERY_TIMEOUT 30)
  else()
    gtest_discover_tests(${name} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT 60 DISCOVERY_TIMEOUT 30)
  endif()
endfunction()

# np_add_service(<name> SOURCES ... DEPS ...): the thin executable of services/<name>.
function(np_add_service name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(np-${name} ${ARG_SOURCES})
  target_link_libraries(np-${name} PRIVATE ${ARG_DEPS})
  target_compile_options(np-${name} PRIVATE ${NP_WARNINGS})
endfunction()

# libFuzzer targets (docs/reliability.md, "Fuzzing"), built only by the `fuzz` preset (clang 14 with
# ASan + UBSan): every target of the build is compiled with coverage instrumentation
# (-fsanitize=fuzzer-no-link), so the fuzzers are guided by the library code they drive, not only
# by their own source. `cmake --build --preset fuzz` builds the fuzzers alone (target np_fuzzers).
option(NP_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
if(NP_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "NP_FUZZ=ON needs clang (libFuzzer): cmake --preset fuzz")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_custom_target(np_fuzzers)
  file(REMOVE_RECURSE ${CMAKE_BINARY_DIR}/fuzzers)  # stale manifests; np_add_fuzzer writes the current ones
endif()

# np_add_fuzzer(<name> SOURCES ... [DEPS ...] CORPUS <dir> [OPTIONS <libFuzzer flag>...]): a libFuzzer
# executable <name>, built only with NP_FUZZ=ON. CORPUS is the committed seed directory (relative to
# the calling CMakeLists.txt); OPTIONS are flags scripts/fuzz.sh passes on every run (e.g.
# -max_len=20000). scripts/fuzz.sh reads build/fuzz/fuzzers/<name>.txt ("<binary>\n<corpus>\n<options>\n").
function(np_add_fuzzer name)
  cmake_parse_arguments(ARG "" "CORPUS" "SOURCES;DEPS;OPTIONS" ${ARGN})
  if(NOT NP_FUZZ)
    return()
  endif()
  if(NOT ARG_CORPUS)
    message(FATAL_ERROR "np_add_fuzzer(${name}): CORPUS is required (committed seeds)")
  endif()
  cmake_path(ABSOLUTE_PATH ARG_CORPUS BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} NORMALIZE
             OUTPUT_VARIABLE corpus)
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  target_compile_options(${name} PRIVATE ${NP_WARNINGS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  add_dependencies(np_fuzzers ${name})
  file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/fuzzers/${name}.txt
       CONTENT "$<TARGET_FILE:${name}>\n${corpus}\n$<JOIN:${ARG_OPTIONS}, >\n")
endfunction()
