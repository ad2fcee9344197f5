# The AI library's units need no database: they link only relaydesk_ai (and the fakes).
relaydesk_add_test(NAME tst_sseparser LIBS relaydesk_ai)
relaydesk_add_test(NAME tst_promptbuilder LIBS relaydesk_ai)
relaydesk_add_test(NAME tst_circuitbreaker LIBS relaydesk_ai)
relaydesk_add_test(NAME tst_moderation LIBS relaydesk_ai)
relaydesk_add_test(NAME tst_aiproviders LIBS relaydesk_ai relaydesk_fakes)
relaydesk_add_test(NAME tst_providerrouter LIBS relaydesk_ai relaydesk_fakes)
# End to end through the engine and the HTTP API.
relaydesk_add_test(NAME tst_aipipeline LIBS relaydesk_server relaydesk_fakes)
# A conversation's own provider chain and OpenAI moderation, through the engine and the API.
relaydesk_add_test(NAME tst_aichain LIBS relaydesk_server relaydesk_fakes
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.cpp ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.h)
