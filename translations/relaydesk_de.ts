<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>DisplayNames</name>
    <message>
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <source>Discord</source>
        <translation>Discord</translation>
    </message>
    <message>
        <source>X</source>
        <translation>X</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>MMS</source>
        <translation>MMS</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Webhook</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Gelöst</translation>
    </message>
    <message>
        <source>Archived</source>
        <translation>Archiviert</translation>
    </message>
    <message>
        <source>Low priority</source>
        <translation>Niedrige Priorität</translation>
    </message>
    <message>
        <source>Normal priority</source>
        <translation>Normale Priorität</translation>
    </message>
    <message>
        <source>High priority</source>
        <translation>Hohe Priorität</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Dringend</translation>
    </message>
    <message>
        <source>AI sends automatically</source>
        <translation>KI sendet automatisch</translation>
    </message>
    <message>
        <source>AI drafts for review</source>
        <translation>KI-Entwürfe zur Prüfung</translation>
    </message>
    <message>
        <source>Manual replies only</source>
        <translation>Nur manuelle Antworten</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>AI</source>
        <translation>KI</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>In Warteschlange</translation>
    </message>
    <message>
        <source>Processing</source>
        <translation>In Bearbeitung</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Entwurf</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Freigegeben</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Verworfen</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <source>Failed, retrying</source>
        <translation>Fehlgeschlagen, neuer Versuch folgt</translation>
    </message>
    <message>
        <source>Not delivered</source>
        <translation>Nicht zugestellt</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Gestern</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>Not accepted: %1</source>
        <translation>Nicht angenommen: %1</translation>
    </message>
    <message>
        <source>Not found: %1</source>
        <translation>Nicht gefunden: %1</translation>
    </message>
    <message>
        <source>Already handled elsewhere: %1</source>
        <translation>Bereits anderweitig erledigt: %1</translation>
    </message>
    <message>
        <source>The engine is busy or unavailable (%1). Try again in %2 seconds.</source>
        <translation>Die Engine ist ausgelastet oder nicht erreichbar (%1). Bitte in %2 Sekunden erneut versuchen.</translation>
    </message>
    <message>
        <source>The engine is unavailable: %1</source>
        <translation>Die Engine ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>Unexpected error: %1</source>
        <translation>Unerwarteter Fehler: %1</translation>
    </message>
    <message>
        <source>%1 failed. %2</source>
        <translation>%1 ist fehlgeschlagen. %2</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::ConversationItemDelegate</name>
    <message>
        <source>No messages yet</source>
        <translation>Noch keine Nachrichten</translation>
    </message>
    <message>
        <source>Draft waiting</source>
        <translation>Entwurf wartet</translation>
    </message>
    <message>
        <source>%1 drafts waiting</source>
        <translation>%1 Entwürfe warten</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::ConversationListModel</name>
    <message>
        <source>Unknown customer</source>
        <translation>Unbekannter Kunde</translation>
    </message>
    <message>
        <source>Loading the inbox</source>
        <translation>Das Laden des Posteingangs</translation>
    </message>
    <message>
        <source>Refreshing the inbox</source>
        <translation>Das Aktualisieren des Posteingangs</translation>
    </message>
    <message>
        <source>Drafts waiting for review: %1</source>
        <translation>Entwürfe zur Prüfung: %1</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::ConversationView</name>
    <message>
        <source>Select a conversation in the inbox to read it and answer the customer.</source>
        <translation>Wählen Sie im Posteingang eine Unterhaltung aus, um sie zu lesen und dem Kunden zu antworten.</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Showing the newest %1 messages of this conversation.</source>
        <translation>Es werden die neuesten %1 Nachrichten dieser Unterhaltung angezeigt.</translation>
    </message>
    <message>
        <source>No messages in this conversation yet.</source>
        <translation>Diese Unterhaltung enthält noch keine Nachrichten.</translation>
    </message>
    <message>
        <source>Write a reply to the customer…</source>
        <translation>Antwort an den Kunden schreiben …</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send this reply to the customer (Ctrl+Return)</source>
        <translation>Diese Antwort an den Kunden senden (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Ctrl+Return</source>
        <translation>Strg+Eingabe</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Loading the conversation</source>
        <translation>Das Laden der Unterhaltung</translation>
    </message>
    <message>
        <source>Rejected by %1</source>
        <translation>Verworfen von %1</translation>
    </message>
    <message>
        <source>Drafting a reply failed: %1</source>
        <translation>Der Antwortentwurf ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Delivery failed: %1</source>
        <translation>Zustellung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Unknown customer</source>
        <translation>Unbekannter Kunde</translation>
    </message>
    <message>
        <source>Assigned to %1</source>
        <translation>Zugewiesen an %1</translation>
    </message>
    <message>
        <source>Reply queued for sending.</source>
        <translation>Antwort zum Senden eingereiht.</translation>
    </message>
    <message>
        <source>Sending the reply</source>
        <translation>Das Senden der Antwort</translation>
    </message>
    <message>
        <source>Edited reply approved and queued for sending.</source>
        <translation>Bearbeitete Antwort freigegeben und zum Senden eingereiht.</translation>
    </message>
    <message>
        <source>Reply approved and queued for sending.</source>
        <translation>Antwort freigegeben und zum Senden eingereiht.</translation>
    </message>
    <message>
        <source>Approving the draft</source>
        <translation>Das Freigeben des Entwurfs</translation>
    </message>
    <message>
        <source>Reject draft</source>
        <translation>Entwurf verwerfen</translation>
    </message>
    <message>
        <source>Why is this draft rejected? (optional, kept in the history)</source>
        <translation>Warum wird dieser Entwurf verworfen? (optional, wird im Verlauf gespeichert)</translation>
    </message>
    <message>
        <source>Keep draft</source>
        <translation>Entwurf behalten</translation>
    </message>
    <message>
        <source>Draft rejected.</source>
        <translation>Entwurf verworfen.</translation>
    </message>
    <message>
        <source>Rejecting the draft</source>
        <translation>Das Verwerfen des Entwurfs</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::DraftCard</name>
    <message>
        <source>AI draft waiting for your review</source>
        <translation>KI-Entwurf wartet auf Ihre Prüfung</translation>
    </message>
    <message>
        <source>Draft reply</source>
        <translation>Antwortentwurf</translation>
    </message>
    <message>
        <source>Ctrl+Return approves and sends</source>
        <translation>Strg+Eingabe gibt frei und sendet</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Discard this draft; you can give a reason</source>
        <translation>Diesen Entwurf verwerfen; Sie können einen Grund angeben</translation>
    </message>
    <message>
        <source>Approve and send</source>
        <translation>Freigeben und senden</translation>
    </message>
    <message>
        <source>Send this reply (with your edits) to the customer</source>
        <translation>Diese Antwort (mit Ihren Änderungen) an den Kunden senden</translation>
    </message>
    <message>
        <source>The reply is empty. Write a reply or reject the draft.</source>
        <translation>Die Antwort ist leer. Schreiben Sie eine Antwort oder verwerfen Sie den Entwurf.</translation>
    </message>
    <message>
        <source>AI draft (edited) waiting for your review</source>
        <translation>KI-Entwurf (bearbeitet) wartet auf Ihre Prüfung</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::MainWindow</name>
    <message>
        <source>Relaydesk</source>
        <translation>Relaydesk</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Reload the inbox and the open conversation</source>
        <translation>Posteingang und geöffnete Unterhaltung neu laden</translation>
    </message>
    <message>
        <source>&amp;Next draft</source>
        <translation>&amp;Nächster Entwurf</translation>
    </message>
    <message>
        <source>Open the next conversation with a draft waiting for review</source>
        <translation>Die nächste Unterhaltung mit einem Entwurf zur Prüfung öffnen</translation>
    </message>
    <message>
        <source>&amp;About Relaydesk</source>
        <translation>&amp;Über Relaydesk</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Gehe zu</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>Hauptwerkzeugleiste</translation>
    </message>
    <message>
        <source>No conversations yet.
Customer messages appear here as soon as they arrive.</source>
        <translation>Noch keine Unterhaltungen.
Nachrichten von Kunden erscheinen hier, sobald sie eintreffen.</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Unterhaltungen</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>Posteingang</translation>
    </message>
    <message>
        <source>No drafts are waiting for review.</source>
        <translation>Es warten keine Entwürfe auf Prüfung.</translation>
    </message>
    <message>
        <source>Queue: %1  ·  Ingested: %2  ·  Jobs done: %3  ·  Jobs failed: %4  ·  Active conversations: %5</source>
        <translation>Warteschlange: %1  ·  Empfangen: %2  ·  Aufträge erledigt: %3  ·  Aufträge fehlgeschlagen: %4  ·  Aktive Unterhaltungen: %5</translation>
    </message>
    <message>
        <source>Engine stopped</source>
        <translation>Engine angehalten</translation>
    </message>
    <message>
        <source>About Relaydesk</source>
        <translation>Über Relaydesk</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Relaydesk %1&lt;/h3&gt;&lt;p&gt;Operator console and message engine for customer conversations.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Relaydesk %1&lt;/h3&gt;&lt;p&gt;Bearbeiterkonsole und Nachrichten-Engine für Kundenunterhaltungen.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2.&lt;/p&gt;&lt;p&gt;Lizenziert unter der GNU General Public License, Version 3 oder neuer.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::MessageBubble</name>
    <message>
        <source>%1 (operator)</source>
        <translation>%1 (Bearbeiter)</translation>
    </message>
    <message>
        <source>AI reply</source>
        <translation>KI-Antwort</translation>
    </message>
    <message>
        <source>AI reply · %1</source>
        <translation>KI-Antwort · %1</translation>
    </message>
    <message>
        <source>Original AI draft:
%1</source>
        <translation>Ursprünglicher KI-Entwurf:
%1</translation>
    </message>
    <message>
        <source>edited before sending</source>
        <translation>vor dem Senden bearbeitet</translation>
    </message>
</context>
</TS>
