# Drives the real relaydesk binary as a user would: command line, environment, signals.
relaydesk_add_test(NAME tst_cli LIBS Qt6::Network Qt6::Sql)
add_dependencies(tst_cli relaydesk)
set_property(TEST tst_cli APPEND PROPERTY ENVIRONMENT "RELAYDESK_BINARY=$<TARGET_FILE:relaydesk>")
