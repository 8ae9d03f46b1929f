/** A plain, safe rendering of Markdown for previews: headings, lists and paragraphs as text. */
export function MarkdownPreview({ markdown }: { markdown: string }) {
  const blocks = markdown.split(/\n{2,}/).filter((block) => block.trim());
  if (blocks.length === 0) return <p className="muted small">This revision is empty.</p>;
  return (
    <div className="md-preview">
      {blocks.map((block, i) => {
        const heading = /^(#{1,6})\s+(.*)$/.exec(block);
        if (heading) return <p key={i} className={`md-h md-h${heading[1]!.length}`}>{heading[2]}</p>;
        return (
          <p key={i} className="md-p">
            {block}
          </p>
        );
      })}
    </div>
  );
}
