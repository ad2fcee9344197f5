# One INTERFACE target carries the settings every Relaydesk target shares, so a flag changes in one place.
add_library(relaydesk_common INTERFACE)
target_compile_features(relaydesk_common INTERFACE cxx_std_20)
target_compile_definitions(relaydesk_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_NO_URL_CAST_FROM_STRING
    RELAYDESK_VERSION="${PROJECT_VERSION}")
target_compile_options(relaydesk_common INTERFACE -Wall -Wextra)
target_include_directories(relaydesk_common INTERFACE ${PROJECT_SOURCE_DIR}/backend ${PROJECT_SOURCE_DIR})

# Sanitizer builds (CI's second headless tree): -DRELAYDESK_SANITIZE=address,undefined. Every
# Relaydesk target links relaydesk_common, so libraries, tests and the app are all instrumented;
# Qt and the system libraries are not, which is why leak suppressions name only their frames.
set(RELAYDESK_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined (empty: none)")
if(RELAYDESK_SANITIZE)
    # Any report fails the test that triggered it instead of scrolling by.
    target_compile_options(relaydesk_common INTERFACE
        -fsanitize=${RELAYDESK_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(relaydesk_common INTERFACE -fsanitize=${RELAYDESK_SANITIZE})
endif()

# libFuzzer targets (tests/fuzz) need clang; the code they reach is built with coverage
# instrumentation so the fuzzer can steer, and only the fuzz executables link libFuzzer's main.
option(RELAYDESK_BUILD_FUZZERS "Build the libFuzzer targets in tests/fuzz (clang only)" OFF)
if(RELAYDESK_BUILD_FUZZERS)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "RELAYDESK_BUILD_FUZZERS needs clang (-DCMAKE_CXX_COMPILER=clang++)")
    endif()
    target_compile_options(relaydesk_common INTERFACE
        -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=all)
    target_link_options(relaydesk_common INTERFACE -fsanitize=address,undefined)
endif()
