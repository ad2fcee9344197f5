# GUI tests drive the real window against a real engine on a temporary SQLite database; the
# shared fixture (consolefixture.cpp) starts the engine and takes the screenshots, which land in
# the build tree where reviewers can look at them after a run.
set(relaydesk_console_fixture
    ${CMAKE_CURRENT_SOURCE_DIR}/consolefixture.cpp ${CMAKE_CURRENT_SOURCE_DIR}/consolefixture.h)
foreach(test tst_mainwindow tst_inbox tst_conversationview tst_triage tst_consoletour tst_notes
        tst_consolewiring)
    relaydesk_add_test(NAME ${test} LIBS relaydesk_ui relaydesk_fakes
        SOURCES ${relaydesk_console_fixture})
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT
        "RELAYDESK_SCREENSHOT_DIR=${CMAKE_BINARY_DIR}/screenshots")
endforeach()

# The storage reads the inbox and the retry actions rely on, against every backend.
relaydesk_add_test(NAME tst_inboxqueries LIBS relaydesk_storage
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.cpp ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.h)
