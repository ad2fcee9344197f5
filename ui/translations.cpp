#include "ui/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

namespace relaydesk::ui {

namespace {

const QString kTranslatorName = QStringLiteral("relaydeskTranslator");

} // namespace

bool installTranslations(QCoreApplication *app, const QLocale &locale)
{
    if (!app)
        return false;
    // Only ours: a second call (language switch, tests) must not stack translators.
    const auto previous =
        app->findChildren<QTranslator *>(kTranslatorName, Qt::FindDirectChildrenOnly);
    for (QTranslator *translator : previous) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }

    // Qt's dialogs (the buttons of QInputDialog and QMessageBox) in the same language.
    auto *qtTranslator = new QTranslator(app);
    qtTranslator->setObjectName(kTranslatorName);
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);
    else
        delete qtTranslator;

    auto *translator = new QTranslator(app);
    translator->setObjectName(kTranslatorName);
    if (!translator->load(locale, QStringLiteral("relaydesk"), QStringLiteral("_"),
                          QStringLiteral(":/i18n"))) {
        delete translator;
        return false;
    }
    QCoreApplication::installTranslator(translator);
    return true;
}

bool installTranslations()
{
    const QString language = QSettings().value(QStringLiteral("Appearance/language")).toString();
    return installTranslations(QCoreApplication::instance(),
                               language.isEmpty() ? QLocale::system() : QLocale(language));
}

} // namespace relaydesk::ui
