relaydesk_add_test(NAME tst_threadingrules LIBS relaydesk_engine
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.cpp ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.h)
relaydesk_add_test(NAME tst_pipeline LIBS relaydesk_engine relaydesk_fakes
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.cpp ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.h)
# The responder and the webhook channel need no database: they link only their own library.
relaydesk_add_test(NAME tst_offlineresponder LIBS relaydesk_ai)
relaydesk_add_test(NAME tst_webhookchannel LIBS relaydesk_channels relaydesk_fakes)
