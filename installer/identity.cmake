# Names every package, bundle and desktop file shares; included by target.cmake (app/) and by
# installer/CMakeLists.txt. The version is not here: it is project(VERSION) alone.

# AppStream component id, desktop file name and macOS bundle identifier: reverse DNS of
# relaydesk.dev, the address the Discord channel already names in its User-Agent. Changing it
# later makes software centres and macOS see a different application.
set(RELAYDESK_APP_ID dev.relaydesk.Relaydesk)

# Fixed for the life of the product: Windows Installer recognises earlier Relaydesk MSIs by it
# and replaces them. Never change it.
set(RELAYDESK_WIX_UPGRADE_GUID C3B21D39-26E7-43E1-8A52-AB2D7E13FB72)

# Sizes of resources/icons/hicolor/<size>x<size>/apps/relaydesk.png; keep in step with
# resources/icons/render-icons.
set(RELAYDESK_ICON_SIZES 16 22 24 32 48 64 128 256 512)

# macOS: the bundle is <name>.app and its executable Contents/MacOS/<name>.
set(RELAYDESK_BUNDLE_EXECUTABLE Relaydesk)
