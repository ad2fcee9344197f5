#include "ui/cannedresponses.h"

#include <QRegularExpression>
#include <QSet>
#include <QSettings>

namespace relaydesk::ui {

namespace {

const QString kArray = QStringLiteral("CannedResponses");
const QString kName = QStringLiteral("name");
const QString kText = QStringLiteral("text");

} // namespace

QString CannedResponses::normalizedName(const QString &name)
{
    static const QRegularExpression spaces(QStringLiteral("\\s+"));
    QString normalized = name.trimmed().toLower();
    normalized.replace(spaces, QStringLiteral("-"));
    while (normalized.startsWith(QLatin1Char('/')))
        normalized.remove(0, 1);
    return normalized;
}

QList<CannedResponse> CannedResponses::load()
{
    QSettings settings;
    QList<CannedResponse> responses;
    const int count = settings.beginReadArray(kArray);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        CannedResponse response{normalizedName(settings.value(kName).toString()),
                                settings.value(kText).toString()};
        if (!response.name.isEmpty() && !response.text.trimmed().isEmpty())
            responses << response;
    }
    settings.endArray();
    return responses;
}

void CannedResponses::save(const QList<CannedResponse> &responses)
{
    QList<CannedResponse> kept;
    QSet<QString> names;
    for (const CannedResponse &response : responses) {
        const QString name = normalizedName(response.name);
        if (name.isEmpty() || response.text.trimmed().isEmpty() || names.contains(name))
            continue;
        names.insert(name);
        kept << CannedResponse{name, response.text};
    }
    QSettings settings;
    settings.remove(kArray);
    settings.beginWriteArray(kArray, int(kept.size()));
    for (int i = 0; i < kept.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(kName, kept.at(i).name);
        settings.setValue(kText, kept.at(i).text);
    }
    settings.endArray();
}

std::optional<CannedResponse> CannedResponses::find(const QList<CannedResponse> &responses,
                                                    const QString &name)
{
    const QString wanted = normalizedName(name);
    for (const CannedResponse &response : responses) {
        if (response.name == wanted)
            return response;
    }
    return std::nullopt;
}

} // namespace relaydesk::ui
