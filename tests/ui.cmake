relaydesk_add_test(NAME tst_mainwindow LIBS relaydesk_ui)
# Screenshots land in the build tree where reviewers can look at them after a run.
set_property(TEST tst_mainwindow APPEND PROPERTY ENVIRONMENT
    "RELAYDESK_SCREENSHOT_DIR=${CMAKE_BINARY_DIR}/screenshots")
