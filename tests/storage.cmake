# Storage tests run every case against SQLite and, when RELAYDESK_TEST_PG_URL is set, PostgreSQL;
# testdatabase.cpp gives each case its own database file or schema.
foreach(test tst_migrator tst_jobqueue tst_writebatcher tst_storagefaults)
    relaydesk_add_test(NAME ${test} LIBS relaydesk_storage
        SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.cpp ${CMAKE_CURRENT_SOURCE_DIR}/testdatabase.h)
endforeach()
