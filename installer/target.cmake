# Platform metadata of the relaydesk executable: the Windows icon and version resource, and the
# macOS bundle with its Info.plist and icon. Included by app/CMakeLists.txt before its install()
# rule, which needs to know whether the target is a bundle.
include(${CMAKE_CURRENT_LIST_DIR}/identity.cmake)

if(WIN32)
    set(RELAYDESK_ICO ${PROJECT_SOURCE_DIR}/resources/icons/relaydesk.ico)
    configure_file(${CMAKE_CURRENT_LIST_DIR}/windows/relaydesk.rc.in
        ${CMAKE_CURRENT_BINARY_DIR}/relaydesk.rc @ONLY)
    target_sources(relaydesk PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/relaydesk.rc)
    # The console is a window application: no console window opens beside it. The headless
    # server is meant to run as a service there; its output needs redirecting to a file.
    if(RELAYDESK_BUILD_GUI)
        set_target_properties(relaydesk PROPERTIES WIN32_EXECUTABLE ON)
    endif()
elseif(APPLE)
    if(CMAKE_OSX_DEPLOYMENT_TARGET)
        set(RELAYDESK_MACOS_MINIMUM ${CMAKE_OSX_DEPLOYMENT_TARGET})
    else()
        set(RELAYDESK_MACOS_MINIMUM 11.0)
    endif()
    configure_file(${CMAKE_CURRENT_LIST_DIR}/macos/Info.plist.in
        ${CMAKE_CURRENT_BINARY_DIR}/Info.plist @ONLY)
    set(icns ${PROJECT_SOURCE_DIR}/resources/icons/relaydesk.icns)
    set_source_files_properties(${icns} PROPERTIES MACOSX_PACKAGE_LOCATION Resources)
    target_sources(relaydesk PRIVATE ${icns})
    set_target_properties(relaydesk PROPERTIES
        MACOSX_BUNDLE ON
        MACOSX_BUNDLE_INFO_PLIST ${CMAKE_CURRENT_BINARY_DIR}/Info.plist
        OUTPUT_NAME ${RELAYDESK_BUNDLE_EXECUTABLE})
endif()
