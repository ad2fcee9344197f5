#include "storage/sqlcodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace relaydesk {

QString SqlCodec::fromStringList(const QStringList &list)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

QStringList SqlCodec::stringList(const QVariant &column)
{
    QStringList list;
    const QJsonArray array = QJsonDocument::fromJson(column.toString().toUtf8()).array();
    for (const QJsonValue &value : array)
        list << value.toString();
    return list;
}

QString SqlCodec::fromMetadata(const QMap<QString, QString> &metadata)
{
    QJsonObject object;
    for (auto it = metadata.cbegin(); it != metadata.cend(); ++it)
        object.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QMap<QString, QString> SqlCodec::metadata(const QVariant &column)
{
    QMap<QString, QString> map;
    const QJsonObject object = QJsonDocument::fromJson(column.toString().toUtf8()).object();
    for (auto it = object.begin(); it != object.end(); ++it)
        map.insert(it.key(), it.value().toString());
    return map;
}

QString SqlCodec::fromAttachments(const QList<Attachment> &attachments)
{
    QJsonArray array;
    for (const Attachment &attachment : attachments)
        array.append(QJsonObject{{QStringLiteral("url"), attachment.url},
                                 {QStringLiteral("content_type"), attachment.contentType}});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QList<Attachment> SqlCodec::attachments(const QVariant &column)
{
    QList<Attachment> list;
    const QJsonArray array = QJsonDocument::fromJson(column.toString().toUtf8()).array();
    for (const QJsonValue &value : array) {
        const QJsonObject object = value.toObject();
        list.append(Attachment{object.value(QStringLiteral("url")).toString(),
                               object.value(QStringLiteral("content_type")).toString()});
    }
    return list;
}

QDateTime SqlCodec::dateTime(const QVariant &column)
{
    return QDateTime::fromMSecsSinceEpoch(column.toLongLong(), Qt::UTC);
}

QString SqlCodec::ftsQuery(const QString &text)
{
    static const QRegularExpression wordPattern(QStringLiteral("[\\w']+"),
                                                QRegularExpression::UseUnicodePropertiesOption);
    QStringList terms;
    auto it = wordPattern.globalMatch(text);
    while (it.hasNext()) {
        QString word = it.next().captured(0);
        word.replace(QLatin1Char('"'), QLatin1String("\"\""));
        terms << QLatin1Char('"') + word + QLatin1Char('"');
    }
    if (!terms.isEmpty())
        terms.last() += QLatin1Char('*');
    if (terms.isEmpty())
        return QStringLiteral("\"\"");
    return terms.join(QLatin1Char(' '));
}

} // namespace relaydesk
