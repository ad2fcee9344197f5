relaydesk_add_test(NAME tst_mainwindow LIBS relaydesk_ui relaydesk_fakes)
# Screenshots land in the build tree where reviewers can look at them after a run.
set_property(TEST tst_mainwindow APPEND PROPERTY ENVIRONMENT
    "RELAYDESK_SCREENSHOT_DIR=${CMAKE_BINARY_DIR}/screenshots")
# The storage reads the inbox and the retry actions rely on, against every backend.
relaydesk_add_test(NAME tst_inboxqueries LIBS relaydesk_storage
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.cpp ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.h)
