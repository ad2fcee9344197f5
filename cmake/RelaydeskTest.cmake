# relaydesk_add_test(NAME tst_foo LIBS relaydesk_storage [SOURCES extra.cpp])
# One QtTest executable per unit, registered with CTest. Tests that need PostgreSQL read
# RELAYDESK_TEST_PG_URL, which scripts/relaydesk exports after starting a throwaway server.
function(relaydesk_add_test)
    cmake_parse_arguments(ARG "" "NAME" "LIBS;SOURCES" ${ARGN})
    add_executable(${ARG_NAME} ${ARG_NAME}.cpp ${ARG_SOURCES})
    target_link_libraries(${ARG_NAME} PRIVATE relaydesk_common Qt6::Test ${ARG_LIBS})
    add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
    set_tests_properties(${ARG_NAME} PROPERTIES
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;RELAYDESK_SOURCE_DIR=${PROJECT_SOURCE_DIR};RELAYDESK_FIXTURES_DIR=${PROJECT_SOURCE_DIR}/../shared/fixtures"
        TIMEOUT 300)
endfunction()
