relaydesk_add_test(NAME tst_api LIBS relaydesk_server relaydesk_fakes)
# Idempotency, rate limits, request limits, TLS (certificate made with the openssl command) and
# webhook replay protection, over real sockets.
relaydesk_add_test(NAME tst_apiprotections LIBS relaydesk_server)
# Customer export/deletion, SQL metacharacters and secrets in logs, against SQLite and (with
# RELAYDESK_TEST_PG_URL) PostgreSQL.
relaydesk_add_test(NAME tst_dataprotection LIBS relaydesk_server relaydesk_fakes
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.cpp ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.h)
