#pragma once

#include <QLocale>

class QCoreApplication;

namespace relaydesk::ui {

// Installs the console's translation (embedded under :/i18n) and Qt's own for `locale` on
// `app`, replacing translators an earlier call installed. Returns false when there is no
// Relaydesk translation for the locale, which for English is expected: the source text is
// English.
bool installTranslations(QCoreApplication *app, const QLocale &locale = QLocale::system());
// The same for the running application and the language chosen in the settings
// ("Appearance/language": "de", "en", or empty for the system locale). Call after the
// QApplication exists, before the first window.
bool installTranslations();

} // namespace relaydesk::ui
