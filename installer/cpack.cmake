# CPack: DEB and TGZ on Linux, a WiX MSI on Windows, a DragNDrop DMG on macOS. Every package name
# carries project(VERSION). The AppImage is not a CPack generator: installer/appimage/ builds it
# from the same install rules. `cpack -G <generator>` in a build tree makes one by hand;
# scripts/package-check and .github/workflows/release.yml show the whole sequence.

set(RELAYDESK_PACKAGE_CONTACT "Relaydesk maintainers <maintainers@relaydesk.invalid>"
    CACHE STRING "Maintainer named in the packages (Debian requires one); releases set it")

set(CPACK_PACKAGE_NAME relaydesk)
set(CPACK_PACKAGE_VENDOR Relaydesk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${RELAYDESK_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Relaydesk collects customer messages from Telegram, Discord, X direct messages, SMS/MMS \
(Twilio), e-mail (SendGrid) and signed webhooks, threads them into conversations and drafts \
replies with an AI (Anthropic, OpenAI, a local OpenAI-compatible server or the built-in offline \
responder) for support operators to approve, edit or reject. The same program runs headless as \
a server with an HTTP API; a systemd unit runs it as an unprivileged service.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY Relaydesk)
set(CPACK_PACKAGE_EXECUTABLES relaydesk Relaydesk)
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_CURRENT_BINARY_DIR}/LICENSE.txt)
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_STRIP_FILES ON)
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_PACKAGE_FILE_NAME
    "relaydesk-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")
# One package holding every component; the components matter to `cmake --install --component`
# and to the MSI's feature list.
set(CPACK_COMPONENTS_ALL runtime data doc)
set(CPACK_DEB_COMPONENT_INSTALL OFF)
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)

if(WIN32)
    set(CPACK_GENERATOR WIX)
elseif(APPLE)
    set(CPACK_GENERATOR DragNDrop)
else()
    set(CPACK_GENERATOR DEB TGZ)
endif()

# ---- DEB --------------------------------------------------------------------------------------
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps (dpkg-dev) computes the libraries' packages from the binary. The Qt plugins it
# cannot see are named by hand: the SQLite driver is needed to start at all, the PostgreSQL
# driver only with a postgresql:// database. adduser: postinst creates the service user.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, libqt6sql6-sqlite")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libqt6sql6-psql")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_SOURCE_DIR}/debian/postinst
    ${CMAKE_CURRENT_SOURCE_DIR}/debian/prerm
    ${CMAKE_CURRENT_SOURCE_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# ---- WiX MSI ----------------------------------------------------------------------------------
set(CPACK_WIX_UPGRADE_GUID ${RELAYDESK_WIX_UPGRADE_GUID})
# A product code per version, derived from the version so that every build of one version
# carries the same code: a newer MSI then performs a major upgrade of the older one, and
# re-running the same MSI is recognised as the installed product.
string(UUID CPACK_WIX_PRODUCT_GUID NAMESPACE ${RELAYDESK_WIX_UPGRADE_GUID}
    NAME "relaydesk-${PROJECT_VERSION}" TYPE SHA1 UPPER)
set(CPACK_WIX_PRODUCT_ICON ${PROJECT_SOURCE_DIR}/resources/icons/relaydesk.ico)
set(CPACK_WIX_PROGRAM_MENU_FOLDER Relaydesk)
# Welcome, license agreement (CPACK_RESOURCE_FILE_LICENSE), install folder, install.
set(CPACK_WIX_UI_REF WixUI_InstallDir)
set(CPACK_WIX_PROPERTY_ARPCOMMENTS "${PROJECT_DESCRIPTION}")

# ---- DragNDrop DMG ----------------------------------------------------------------------------
set(CPACK_DMG_VOLUME_NAME "Relaydesk ${PROJECT_VERSION}")
set(CPACK_DMG_FORMAT UDZO)
if(APPLE)
    set(CPACK_PACKAGE_ICON ${PROJECT_SOURCE_DIR}/resources/icons/relaydesk.icns)
endif()

include(CPack)

cpack_add_component(runtime DISPLAY_NAME "Relaydesk"
    DESCRIPTION "The console and the headless server" REQUIRED)
cpack_add_component(data DISPLAY_NAME "Desktop integration and configuration"
    DESCRIPTION "Example configuration, icons, desktop entry, systemd unit")
cpack_add_component(doc DISPLAY_NAME "Documentation"
    DESCRIPTION "README, license and the relaydesk(1) man page")
