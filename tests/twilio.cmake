relaydesk_add_test(NAME tst_twiliochannel LIBS relaydesk_server relaydesk_fakes)
# Two accounts of one provider (Twilio, SendGrid) with failover, against two fakes each.
relaydesk_add_test(NAME tst_channelfailover LIBS relaydesk_server relaydesk_fakes
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.cpp ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.h)
