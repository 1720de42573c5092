import type { VNode } from 'preact';
import type { PageChrome } from '../../web/index.ts';
import type { ContentItem, ItemOf } from './content.repository.ts';
import type { ContentService } from './content.service.ts';
import type { ContentViewModels } from './content-view-models.ts';
import { pathOf, readingMinutes } from './domain/rules.ts';
import { modifiedAt } from './domain/snapshot.ts';
import { BlogPostPage } from './views/blog-views.tsx';
import { CaseStudyPage } from './views/case-study-views.tsx';
import { DocPage } from './views/docs-views.tsx';
import { SitePage } from './views/page-views.tsx';
import { EpisodePage } from './views/podcast-views.tsx';

/**
 * One item's page, for the public route and for the staff preview alike: the preview is the same
 * page with a banner and `noindex`. Related posts, the docs navigation and the team come from
 * what is public now, as visitors would see them.
 */
export class ContentPageBuilder {
  constructor(
    private readonly content: ContentService,
    private readonly models: ContentViewModels,
  ) {}

  /** The page of an item, or null for kinds without one (authors, the show). */
  async page(item: ContentItem, chrome: PageChrome, preview: string | null = null): Promise<VNode | null> {
    switch (item.kind) {
      case 'post':
        return this.post(item, chrome, preview);
      case 'episode':
        return this.episode(item, chrome, preview);
      case 'case_study':
        return this.caseStudy(item, chrome, preview);
      case 'doc':
        return this.doc(item, chrome, preview);
      case 'page':
        return this.sitePage(item, chrome, preview);
      default:
        return null;
    }
  }

  async post(item: ItemOf<'post'>, chrome: PageChrome, preview: string | null): Promise<VNode> {
    const live = await this.content.live();
    const now = this.content.now();
    const fm = item.frontMatter;
    const images = this.content.images;
    return BlogPostPage({
      ...chrome,
      slug: item.slug,
      title: item.title,
      description: item.description,
      date: item.date ?? fm.date,
      updated: fm.updated ?? null,
      tags: fm.tags,
      minutes: readingMinutes(item.plainText),
      html: (await this.content.render(item)).html,
      cover: fm.image ? await images.image(fm.image.src, fm.image.alt) : null,
      card: fm.image ? await images.card(fm.image.src, fm.image.alt) : null,
      author: await this.models.author(live, fm.author, now),
      related: await this.models.relatedPosts(live, item, now),
      preview,
    });
  }

  async episode(item: ItemOf<'episode'>, chrome: PageChrome, preview: string | null): Promise<VNode> {
    const live = await this.content.live();
    const fm = item.frontMatter;
    const show = await this.models.show(live, this.content.now());
    const rendered = await this.content.render(item);
    const image = fm.image ?? live.visible('show', this.content.now())[0]?.frontMatter.image;
    return EpisodePage({
      ...chrome,
      show,
      episode: this.models.episodeCard(item),
      guests: fm.guests ?? [],
      html: rendered.html,
      transcriptHtml: rendered.transcript,
      card: image ? await this.content.images.card(image.src, image.alt) : null,
      preview,
    });
  }

  async caseStudy(item: ItemOf<'case_study'>, chrome: PageChrome, preview: string | null): Promise<VNode> {
    const fm = item.frontMatter;
    return CaseStudyPage({
      ...chrome,
      study: await this.models.caseStudyCard(item),
      products: await this.models.productLinks(fm.products),
      html: (await this.content.render(item)).html,
      card: fm.image ? await this.content.images.card(fm.image.src, fm.image.alt) : null,
      preview,
    });
  }

  async doc(item: ItemOf<'doc'>, chrome: PageChrome, preview: string | null): Promise<VNode> {
    const live = await this.content.live();
    const toolSlug = item.slug.split('/')[0]!;
    const path = pathOf('doc', item.slug);
    const visible = (await this.models.tools(live, this.content.now())).find((t) => t.tool === toolSlug);
    // A preview of a page not yet public still shows where it will sit in the navigation.
    const tool = visible ?? { tool: toolSlug, name: toolSlug, description: '', path, pages: [] };
    const pages = tool.pages.some((p) => p.path === path)
      ? tool.pages
      : [...tool.pages, { title: item.title, path }];
    const at = pages.findIndex((p) => p.path === path);
    return DocPage({
      ...chrome,
      tool: { ...tool, pages },
      path,
      title: item.title,
      description: item.description,
      html: (await this.content.render(item)).html,
      modified: modifiedAt(item).toISOString(),
      previous: pages[at - 1] ?? null,
      next: pages[at + 1] ?? null,
      preview,
    });
  }

  async sitePage(item: ItemOf<'page'>, chrome: PageChrome, preview: string | null): Promise<VNode> {
    const live = await this.content.live();
    const team =
      item.slug === 'about'
        ? await Promise.all(live.visible('author', this.content.now()).map((a) => this.models.authorView(a)))
        : null;
    return SitePage({
      ...chrome,
      slug: item.slug,
      title: item.title,
      description: item.description,
      html: (await this.content.render(item)).html,
      modified: modifiedAt(item).toISOString(),
      values: item.frontMatter.values ?? [],
      team,
      preview,
    });
  }
}
