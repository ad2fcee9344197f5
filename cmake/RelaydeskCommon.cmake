# One INTERFACE target carries the settings every Relaydesk target shares, so a flag changes in one place.
add_library(relaydesk_common INTERFACE)
target_compile_features(relaydesk_common INTERFACE cxx_std_20)
target_compile_definitions(relaydesk_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_NO_URL_CAST_FROM_STRING
    RELAYDESK_VERSION="${PROJECT_VERSION}")
target_compile_options(relaydesk_common INTERFACE -Wall -Wextra)
target_include_directories(relaydesk_common INTERFACE ${PROJECT_SOURCE_DIR}/backend ${PROJECT_SOURCE_DIR})
