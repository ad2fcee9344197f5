# The fakes live in their own binary folder so the library's build tree does not mix with the
# test executables of tests/.
add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/fakes ${CMAKE_CURRENT_BINARY_DIR}/fakes-lib)

relaydesk_add_test(NAME tst_fakehttpserver LIBS relaydesk_fakes)
