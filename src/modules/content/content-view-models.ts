import fs from 'node:fs';
import type { ContentItem, ItemOf } from './content.repository.ts';
import type { ContentService } from './content.service.ts';
import { pathOf, readingMinutes, related } from './domain/rules.ts';
import type { LiveContent } from './domain/snapshot.ts';
import type { AuthorView, PostCard } from './views/blog-views.tsx';
import type { CaseStudyCard, ProductLink } from './views/case-study-views.tsx';
import type { DocLink, ToolDocs } from './views/docs-views.tsx';
import type { EpisodeCard, ShowView } from './views/podcast-views.tsx';

/** Catalog names and pages of products (tools have docs under their slug; case studies link products). */
export interface ProductDirectory {
  byKey(key: string): { name: string; slug: string } | undefined;
  bySlug(slug: string): { name: string; key: string } | undefined;
}

/** The URL an episode's MP3 is served at. */
export const audioUrl = (audio: string): string => `/${audio}`;

/**
 * Items turned into what the pages show: cards, authors, the show, a tool's docs navigation.
 * Images are resolved here (sizes for `<picture>`), bodies rendered through ContentService.
 */
export class ContentViewModels {
  constructor(
    private readonly content: ContentService,
    private readonly products: () => Promise<ProductDirectory>,
  ) {}

  async postCard(item: ItemOf<'post'>): Promise<PostCard> {
    const fm = item.frontMatter;
    return {
      title: item.title,
      description: item.description,
      path: pathOf('post', item.slug),
      date: item.date ?? fm.date,
      tags: fm.tags,
      minutes: readingMinutes(item.plainText),
      image: fm.image ? await this.content.images.image(fm.image.src, fm.image.alt) : null,
    };
  }

  async author(live: LiveContent, key: string, now: Date): Promise<AuthorView | null> {
    const item = live.find('author', key, now);
    return item ? this.authorView(item) : null;
  }

  async authorView(item: ItemOf<'author'>): Promise<AuthorView> {
    const fm = item.frontMatter;
    return {
      key: item.slug,
      name: item.title,
      role: item.description,
      bioHtml: (await this.content.render(item)).html,
      image: fm.image ? await this.content.images.image(fm.image.src, fm.image.alt) : null,
      links: fm.links ?? [],
    };
  }

  async relatedPosts(live: LiveContent, post: ItemOf<'post'>, now: Date): Promise<PostCard[]> {
    const withTags = (i: ItemOf<'post'>) => ({ id: i.id, tags: i.frontMatter.tags, date: i.date, item: i });
    const picks = related(withTags(post), live.visible('post', now).map(withTags));
    return Promise.all(picks.map((p) => this.postCard(p.item)));
  }

  async show(live: LiveContent, now: Date): Promise<ShowView | null> {
    const item = live.visible('show', now)[0];
    if (!item) return null;
    const image = item.frontMatter.image;
    const original = await this.content.images.original(image.src);
    return {
      title: item.title,
      description: item.description,
      html: (await this.content.render(item)).html,
      image: await this.content.images.image(image.src, image.alt),
      coverUrl: original ? new URL(original, this.content.siteUrl).href : null,
    };
  }

  episodeCard(item: ItemOf<'episode'>): EpisodeCard {
    const fm = item.frontMatter;
    return {
      slug: item.slug,
      title: item.title,
      description: item.description,
      date: item.date ?? fm.date,
      episode: fm.episode,
      season: fm.season,
      seconds: fm.duration,
      audioUrl: audioUrl(fm.audio),
    };
  }

  /** Size in bytes of an episode's MP3 (the feed's enclosure length), or null when the file is missing. */
  audioBytes(item: ItemOf<'episode'>): number | null {
    const file = this.content.audioPath(item.frontMatter.audio);
    if (!file) return null;
    try {
      return fs.statSync(file).size;
    } catch {
      return null;
    }
  }

  async caseStudyCard(item: ItemOf<'case_study'>): Promise<CaseStudyCard> {
    const fm = item.frontMatter;
    return {
      slug: item.slug,
      title: item.title,
      description: item.description,
      date: item.date ?? fm.date,
      client: fm.client,
      industry: fm.industry,
      results: fm.results,
      image: fm.image ? await this.content.images.image(fm.image.src, fm.image.alt) : null,
    };
  }

  async productLinks(keys: readonly string[]): Promise<ProductLink[]> {
    const dir = await this.products();
    return keys.map((key) => {
      const p = dir.byKey(key);
      return { key, name: p?.name ?? key, href: p ? `/products/${p.slug}` : null };
    });
  }

  /** Every tool with visible docs, its pages in navigation order (the index first). */
  async tools(live: LiveContent, now: Date): Promise<ToolDocs[]> {
    const dir = await this.products();
    const byTool = new Map<string, ItemOf<'doc'>[]>();
    for (const doc of live.visible('doc', now)) {
      const tool = doc.slug.split('/')[0]!;
      byTool.set(tool, [...(byTool.get(tool) ?? []), doc]);
    }
    const tools: ToolDocs[] = [];
    for (const [tool, docs] of byTool) {
      const index = docs.find((d) => d.slug === `${tool}/index`);
      const pages: DocLink[] = [...docs]
        .sort((a, b) => Number(b === index) - Number(a === index))
        .map((d) => ({ title: d.title, path: pathOf('doc', d.slug) }));
      tools.push({
        tool,
        name: dir.bySlug(tool)?.name ?? index?.title ?? tool,
        description: index?.description ?? '',
        path: pages[0]!.path,
        pages,
      });
    }
    return tools.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** "Draft", "scheduled for …": what a staff preview banner says about an item. */
  previewStatus(item: ContentItem): string {
    if (item.status === 'scheduled' && item.publishAt)
      return `scheduled for ${item.publishAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    return item.status === 'published' ? 'published' : `a ${item.status}`;
  }
}
