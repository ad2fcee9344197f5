relaydesk_add_test(NAME tst_discordgateway LIBS relaydesk_channels relaydesk_fakes)
# The interaction tests sign PINGs with a key of their own.
find_package(OpenSSL REQUIRED)
relaydesk_add_test(NAME tst_discordchannel LIBS relaydesk_server relaydesk_fakes OpenSSL::Crypto)
