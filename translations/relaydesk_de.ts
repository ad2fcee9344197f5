<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>DisplayNames</name>
    <message>
        <source>Telegram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discord</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>X</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SMS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MMS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Webhook</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Archived</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Low priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Normal priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>High priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AI sends automatically</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AI drafts for review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manual replies only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Processing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed, retrying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not delivered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>Not accepted: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not found: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already handled elsewhere: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The engine is busy or unavailable (%1). Try again in %2 seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The engine is unavailable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed. %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::ConversationItemDelegate</name>
    <message>
        <source>No messages yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 drafts waiting</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::ConversationListModel</name>
    <message>
        <source>Unknown customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 draft(s) waiting for review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the inbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refreshing the inbox</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::ConversationView</name>
    <message>
        <source>Select a conversation in the inbox to read it and answer the customer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Showing the newest %1 messages of this conversation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No messages in this conversation yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write a reply to the customer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send this reply to the customer (Ctrl+Return)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rejected by %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drafting a reply failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delivery failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assigned to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply queued for sending.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending the reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edited reply approved and queued for sending.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply approved and queued for sending.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approving the draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reject draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why is this draft rejected? (optional, kept in the history)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft rejected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rejecting the draft</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::DraftCard</name>
    <message>
        <source>AI draft waiting for your review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Return approves and sends</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard this draft; you can give a reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve and send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send this reply (with your edits) to the customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The reply is empty. Write a reply or reject the draft.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AI draft (edited) waiting for your review</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::MainWindow</name>
    <message>
        <source>Relaydesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reload the inbox and the open conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Next draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the next conversation with a draft waiting for review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Relaydesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No conversations yet.
Customer messages appear here as soon as they arrive.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No drafts are waiting for review.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue: %1  ·  Ingested: %2  ·  Jobs done: %3  ·  Jobs failed: %4  ·  Active conversations: %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Engine stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Relaydesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Relaydesk %1&lt;/h3&gt;&lt;p&gt;Operator console and message engine for customer conversations.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::MessageBubble</name>
    <message>
        <source>%1 (operator)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AI reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AI reply · %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Original AI draft:
%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>edited before sending</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
