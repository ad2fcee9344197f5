#include "core/uuid7.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUuid>
#include <mutex>

namespace relaydesk {

QString Uuid7::generate()
{
    static std::mutex mutex;
    static quint64 lastMs = 0;
    static quint64 counter = 0; // 12 bits of rand_a used as a sequence inside one millisecond

    quint64 ms = quint64(QDateTime::currentMSecsSinceEpoch());
    quint64 sequence;
    {
        std::lock_guard lock(mutex);
        if (ms <= lastMs) {
            ms = lastMs;
            counter = (counter + 1) & 0xFFF;
            if (counter == 0) // sequence exhausted: borrow the next millisecond
                lastMs = ++ms;
        } else {
            lastMs = ms;
            counter = QRandomGenerator::global()->bounded(0x800u);
        }
        sequence = counter;
    }

    uchar bytes[16];
    for (int i = 0; i < 6; ++i)
        bytes[i] = uchar(ms >> (8 * (5 - i)));
    bytes[6] = uchar(0x70 | ((sequence >> 8) & 0x0F));
    bytes[7] = uchar(sequence & 0xFF);
    const quint64 random = QRandomGenerator::global()->generate64();
    for (int i = 0; i < 8; ++i)
        bytes[8 + i] = uchar(random >> (8 * i));
    bytes[8] = uchar(0x80 | (bytes[8] & 0x3F));

    return QUuid::fromRfc4122(QByteArrayView(reinterpret_cast<const char *>(bytes), 16))
        .toString(QUuid::WithoutBraces);
}

bool Uuid7::isValid(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral(
        "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    return pattern.match(text).hasMatch();
}

} // namespace relaydesk
