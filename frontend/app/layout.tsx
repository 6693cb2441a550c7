import type { Metadata, Viewport } from "next";
import "./globals.css";

export const metadata: Metadata = { title: "Todo Chatbot", description: "Manage your todo list by chatting" };
export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
